/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-entry-row.c: a titled text field in a boxed list that a screen reader announces
 *
 * Why not AdwEntryRow: on Debian 12's GTK 4.8 and libadwaita 1.2, moving
 * the focus into an AdwEntryRow (or AdwPasswordEntryRow) sends no focus
 * event over AT-SPI: Orca says nothing and keeps the last button as
 * "focused". A GtkEntry or GtkPasswordEntry does announce itself, so this
 * row is an AdwActionRow whose title names an entry beside it. The row
 * itself is no Tab stop (one field, one stop); it is a GtkEditable that
 * delegates to the entry, so code and .ui files use it as they used
 * AdwEntryRow (gtk_editable_get_text, "changed", "text").
 */
#include <glib/gi18n.h>

#include "fm-a11y.h"
#include "fm-entry-row.h"

struct _FmEntryRow
{
  AdwActionRow parent_instance;

  GtkWidget   *entry;      /* GtkEntry, or GtkPasswordEntry for a password */
  GtkWidget   *apply_button;
  gboolean     password;
  gboolean     show_apply_button;
  char        *description;
};

enum {
  APPLY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PASSWORD,
  PROP_INPUT_PURPOSE,
  PROP_ACTIVATES_DEFAULT,
  PROP_PLACEHOLDER_TEXT,
  PROP_DESCRIPTION,
  PROP_SHOW_APPLY_BUTTON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkEditable *
fm_entry_row_get_delegate (GtkEditable *editable)
{
  return GTK_EDITABLE (FM_ENTRY_ROW (editable)->entry);
}

static void
fm_entry_row_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = fm_entry_row_get_delegate;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FmEntryRow, fm_entry_row, ADW_TYPE_ACTION_ROW,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE, fm_entry_row_editable_init))

/* The entry is named by the row's title already (AdwActionRow labels
 * its activatable widget with it); the explanation, or the problem when
 * there is one, is its description. */
static void
update_description (FmEntryRow *self,
                    const char *problem)
{
  const char *text = problem != NULL ? problem : self->description;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : "", -1);
}

static void
realize_cb (FmEntryRow *self)
{
  update_description (self, gtk_widget_get_tooltip_text (self->entry));
}

/* With show-apply-button, a change typed into the field is kept until
 * Enter or the Apply button says so (the server address and API key are
 * not saved letter by letter); text set by code needs no applying. */
static void
text_changed (FmEntryRow *self)
{
  gboolean typed = (gtk_widget_get_state_flags (self->entry) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;

  if (self->show_apply_button && typed)
    gtk_widget_set_visible (self->apply_button, TRUE);
}

static void
apply (FmEntryRow *self)
{
  if (!self->show_apply_button || !gtk_widget_get_visible (self->apply_button))
    return;
  gtk_widget_set_visible (self->apply_button, FALSE);
  gtk_widget_grab_focus (self->entry);
  g_signal_emit (self, signals[APPLY], 0);
}

static void
fm_entry_row_constructed (GObject *object)
{
  FmEntryRow *self = FM_ENTRY_ROW (object);

  G_OBJECT_CLASS (fm_entry_row_parent_class)->constructed (object);

  self->entry = self->password ? gtk_password_entry_new () : gtk_entry_new ();
  if (self->password)
    gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->entry), TRUE);
  gtk_widget_set_valign (self->entry, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (self->entry, TRUE);
  /* wide enough that an address or a subject reads whole at 360 px */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 16);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), self->entry);
  self->apply_button = gtk_button_new_from_icon_name ("object-select-symbolic");
  gtk_widget_set_valign (self->apply_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->apply_button, FALSE);
  gtk_widget_set_tooltip_text (self->apply_button, _("Apply"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->apply_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Apply"), -1);
  gtk_widget_add_css_class (self->apply_button, "suggested-action");
  gtk_widget_add_css_class (self->apply_button, "circular");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->apply_button);
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (apply), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (text_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (apply), self);
  gtk_editable_init_delegate (GTK_EDITABLE (self));
  fm_a11y_row_not_a_stop (GTK_WIDGET (self));
  /* not before the entry is realized: an accessible made while a
   * dialog's template is still being built gives the dialog the role
   * "filler" on GTK 4.8, and Orca no longer reads it as a dialog */
  g_signal_connect_swapped (self->entry, "realize", G_CALLBACK (realize_cb), self);
}

static void
fm_entry_row_dispose (GObject *object)
{
  FmEntryRow *self = FM_ENTRY_ROW (object);

  if (self->entry != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  self->entry = NULL;
  G_OBJECT_CLASS (fm_entry_row_parent_class)->dispose (object);
}

static void
fm_entry_row_finalize (GObject *object)
{
  g_free (FM_ENTRY_ROW (object)->description);
  G_OBJECT_CLASS (fm_entry_row_parent_class)->finalize (object);
}

static void
fm_entry_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FmEntryRow *self = FM_ENTRY_ROW (object);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;
  switch (prop_id)
    {
    case PROP_PASSWORD:
      g_value_set_boolean (value, self->password);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_SHOW_APPLY_BUTTON:
      g_value_set_boolean (value, self->show_apply_button);
      break;
    case PROP_INPUT_PURPOSE:
    case PROP_ACTIVATES_DEFAULT:
    case PROP_PLACEHOLDER_TEXT:
      g_object_get_property (G_OBJECT (self->entry), pspec->name, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_entry_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FmEntryRow *self = FM_ENTRY_ROW (object);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;
  switch (prop_id)
    {
    case PROP_PASSWORD:
      self->password = g_value_get_boolean (value);
      break;
    case PROP_DESCRIPTION:
      g_free (self->description);
      self->description = g_value_dup_string (value);
      if (self->entry != NULL)
        /* not before the entry is realized: an accessible made while a
   * dialog's template is still being built gives the dialog the role
   * "filler" on GTK 4.8, and Orca no longer reads it as a dialog */
  g_signal_connect_swapped (self->entry, "realize", G_CALLBACK (realize_cb), self);
      break;
    case PROP_SHOW_APPLY_BUTTON:
      self->show_apply_button = g_value_get_boolean (value);
      break;
    case PROP_INPUT_PURPOSE:
      /* a password field's purpose is password already */
      if (!self->password)
        g_object_set_property (G_OBJECT (self->entry), pspec->name, value);
      break;
    case PROP_ACTIVATES_DEFAULT:
    case PROP_PLACEHOLDER_TEXT:
      g_object_set_property (G_OBJECT (self->entry), pspec->name, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Focus goes to the field, not to the row around it. */
static gboolean
fm_entry_row_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (FM_ENTRY_ROW (widget)->entry);
}

/* One stop, the field (and the Apply button when it is shown), in both
 * directions. GtkListBoxRow's own rule re-enters the field on Shift+Tab
 * when the row itself cannot take the focus, which left the focus
 * stuck without a word to a screen reader. */
static gboolean
fm_entry_row_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  FmEntryRow *self = FM_ENTRY_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean in_entry = focus != NULL && (focus == self->entry || gtk_widget_is_ancestor (focus, self->entry));
  gboolean in_apply = focus != NULL && focus == self->apply_button;
  gboolean apply_shown = gtk_widget_get_visible (self->apply_button);

  switch (direction)
    {
    case GTK_DIR_TAB_FORWARD:
      if (in_entry && apply_shown)
        return gtk_widget_grab_focus (self->apply_button);
      if (in_entry || in_apply)
        return FALSE;
      return gtk_widget_grab_focus (self->entry);
    case GTK_DIR_TAB_BACKWARD:
      if (in_apply)
        return gtk_widget_grab_focus (self->entry);
      if (in_entry)
        return FALSE;
      return gtk_widget_grab_focus (apply_shown ? self->apply_button : self->entry);
    case GTK_DIR_UP:
    case GTK_DIR_DOWN:
    case GTK_DIR_LEFT:
    case GTK_DIR_RIGHT:
    default:
      if (in_entry || in_apply)
        return FALSE;
      return gtk_widget_grab_focus (self->entry);
    }
}

static void
fm_entry_row_class_init (FmEntryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fm_entry_row_constructed;
  object_class->dispose = fm_entry_row_dispose;
  object_class->finalize = fm_entry_row_finalize;
  object_class->get_property = fm_entry_row_get_property;
  object_class->set_property = fm_entry_row_set_property;
  widget_class->grab_focus = fm_entry_row_grab_focus;
  widget_class->focus = fm_entry_row_focus;

  properties[PROP_PASSWORD] =
    g_param_spec_boolean ("password", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INPUT_PURPOSE] =
    g_param_spec_enum ("input-purpose", NULL, NULL, GTK_TYPE_INPUT_PURPOSE, GTK_INPUT_PURPOSE_FREE_FORM,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVATES_DEFAULT] =
    g_param_spec_boolean ("activates-default", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEHOLDER_TEXT] =
    g_param_spec_string ("placeholder-text", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* read by a screen reader after the name: what belongs in the field */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_APPLY_BUTTON] =
    g_param_spec_boolean ("show-apply-button", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
  gtk_editable_install_properties (object_class, N_PROPS);
}

static void
fm_entry_row_init (FmEntryRow *self)
{
}

GtkWidget *
fm_entry_row_get_entry (FmEntryRow *self)
{
  g_return_val_if_fail (FM_IS_ENTRY_ROW (self), NULL);
  return self->entry;
}

/* A problem with what was typed: the field turns red, its tooltip and
 * its accessible description say what is wrong; NULL clears it. */
void
fm_entry_row_set_problem (FmEntryRow *self,
                          const char *problem)
{
  g_return_if_fail (FM_IS_ENTRY_ROW (self));

  if (problem != NULL)
    gtk_widget_add_css_class (self->entry, "error");
  else
    gtk_widget_remove_css_class (self->entry, "error");
  gtk_widget_set_tooltip_text (self->entry, problem);
  if (gtk_widget_get_realized (self->entry))
    update_description (self, problem);
}
