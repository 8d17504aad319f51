/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-send-page.c: pick files, fill in the form, send; watch transfers */
#define G_LOG_DOMAIN "fm-send-page"

#include <glib/gi18n.h>

#include "fm-entry-row.h"
#include "fm-chunk-plan.h"
#include "fm-format.h"
#include "fm-send-item.h"
#include "fm-days-spin.h"
#include "fm-send-page.h"
#include "fm-upload-row.h"


struct _FmSendPage
{
  AdwBin          parent_instance;

  FmSession      *session;
  GSettings      *settings;
  GListStore     *files;
  char           *hint;
  gboolean        valid;

  GtkStack       *files_stack;
  AdwPreferencesGroup *files_group;
  GtkListView    *files_list;
  GtkScrolledWindow *files_scroller;
  struct {
    guint  counting;   /* items still being counted */
    guint  problems;   /* items that cannot be sent */
    guint  files;
    gint64 bytes;
  }               tally;
  guint           tally_idle;
  GPtrArray      *staged;    /* FmSendItem picked, not yet in the list */
  guint           stage_idle;
  FmEntryRow    *to_row;
  FmEntryRow    *from_row;
  FmEntryRow    *subject_row;
  GtkLabel       *subject_counter;
  GtkSpinButton  *days_spin;
  AdwActionRow   *days_row;
  FmEntryRow *password_row;
  GtkSwitch      *notify_switch;
  GtkSwitch      *confirmation_switch;
  gboolean        notify_chosen;        /* the user moved the switch */
  gboolean        confirmation_chosen;
  GtkTextView    *message_view;
  GtkLabel       *hint_label;
  GtkScrolledWindow *scroller;
  AdwPreferencesGroup *uploads_group;
  GtkListBox     *uploads_list;
};

G_DEFINE_FINAL_TYPE (FmSendPage, fm_send_page, ADW_TYPE_BIN)

static void validate (FmSendPage *self);

/* ---------------------------------------------------------------- files */

static char *
item_subtitle (FmSendItem *item)
{
  g_autofree char *size = NULL;

  if (fm_send_item_get_problem (item) != NULL)
    return g_strdup (fm_send_item_get_problem (item));
  if (fm_send_item_get_size (item) < 0)
    return g_strdup (_("Counting…"));
  size = g_format_size ((guint64) fm_send_item_get_size (item));
  if (fm_send_item_get_n_files (item) > 1)
    return g_strdup_printf (g_dngettext (NULL, "%'u file · %s", "%'u files · %s",
                                         fm_send_item_get_n_files (item)),
                            fm_send_item_get_n_files (item), size);
  return g_steal_pointer (&size);
}

/* --------------------------------------------------------- file rows */

static void
remove_clicked_cb (GtkButton  *button,
                   FmSendPage *self)
{
  FmSendItem *item = g_object_get_data (G_OBJECT (button), "item");
  guint position;

  if (item != NULL && g_list_store_find (self->files, item, &position))
    g_list_store_remove (self->files, position);
}

static gboolean
remove_tooltip_cb (GtkWidget  *button,
                   int         x,
                   int         y,
                   gboolean    keyboard,
                   GtkTooltip *tooltip,
                   gpointer    data)
{
  FmSendItem *item = g_object_get_data (G_OBJECT (button), "item");
  g_autofree char *label = NULL;

  if (item == NULL)
    return FALSE;
  label = g_strdup_printf (_("Remove “%s”"), fm_send_item_get_name (item));
  gtk_tooltip_set_text (tooltip, label);
  return TRUE;
}

/* A row of the list view: icon, name, size (or why it cannot be sent),
 * Remove. Rows are made for the items on screen and re-bound as the list
 * scrolls. */
static void
setup_file_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   FmSendPage               *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_add_css_class (row, "send-file-row");
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "subtitle");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  /* the tooltip is made when it is shown: set on each bind, it was two
   * thirds of the cost of a row (200 rows are bound when 20,000 files
   * are picked at once) */
  gtk_widget_set_has_tooltip (remove, TRUE);
  g_signal_connect (remove, "query-tooltip", G_CALLBACK (remove_tooltip_cb), NULL);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), texts);
  gtk_box_append (GTK_BOX (row), remove);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
}

typedef struct {
  GtkWidget *row, *icon, *title, *subtitle, *remove;
} RowParts;

static RowParts
row_parts (GtkListItem *list_item)
{
  RowParts p;

  p.row = gtk_list_item_get_child (list_item);
  p.icon = gtk_widget_get_first_child (p.row);
  p.title = gtk_widget_get_first_child (gtk_widget_get_next_sibling (p.icon));
  p.subtitle = gtk_widget_get_next_sibling (p.title);
  p.remove = gtk_widget_get_last_child (p.row);
  return p;
}

static void
show_item_size (GtkListItem *list_item)
{
  FmSendItem *item = gtk_list_item_get_item (list_item);
  RowParts p = row_parts (list_item);
  g_autofree char *subtitle = item_subtitle (item);
  g_autofree char *label = g_strdup_printf ("%s, %s", fm_send_item_get_name (item), subtitle);
  gboolean problem = fm_send_item_get_problem (item) != NULL;

  /* a screen reader lands on GTK's list item widget, the row's parent:
   * it says the item ("notes.txt, 2.1 kB"), not nothing */
  if (gtk_widget_get_parent (p.row) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (p.row)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
  gtk_image_set_from_gicon (GTK_IMAGE (p.icon), fm_send_item_get_icon (item));
  gtk_label_set_text (GTK_LABEL (p.subtitle), subtitle);
  /* why an item cannot be sent is said at full strength (the dimmed
   * subtitle over the error colour measured 2.5:1 in the dark style) */
  if (problem)
    {
      gtk_widget_add_css_class (p.row, "error");
      gtk_widget_remove_css_class (p.subtitle, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (p.row, "error");
      gtk_widget_add_css_class (p.subtitle, "dim-label");
    }
}

static void
bind_file_row_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  FmSendPage               *self)
{
  FmSendItem *item = gtk_list_item_get_item (list_item);
  RowParts p = row_parts (list_item);
  g_autofree char *label = g_strdup_printf (_("Remove “%s”"), fm_send_item_get_name (item));

  /* file names are text, not markup ("notes & plans.txt") */
  gtk_label_set_text (GTK_LABEL (p.title), fm_send_item_get_name (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (p.remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (p.remove), "item", g_object_ref (item), g_object_unref);
  g_signal_connect_swapped (item, "notify", G_CALLBACK (show_item_size), list_item);
  show_item_size (list_item);
}

static void
unbind_file_row_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    FmSendPage               *self)
{
  RowParts p = row_parts (list_item);

  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), show_item_size, list_item);
  g_object_set_data (G_OBJECT (p.remove), "item", NULL);
}

/* ------------------------------------------------------------- totals */

/* The list in numbers, gathered in one walk when items come or go, and
 * at most once a main-loop turn when counts arrive (20,000 of them may
 * arrive at once): the form's checks, as the user types, read these and
 * never walk the items. */
static void
tally_files (FmSendPage *self)
{
  GListModel *model = G_LIST_MODEL (self->files);
  guint n = g_list_model_get_n_items (model);

  g_clear_handle_id (&self->tally_idle, g_source_remove);
  memset (&self->tally, 0, sizeof self->tally);
  self->tally.counting = self->staged->len;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FmSendItem) item = g_list_model_get_item (model, i);

      if (fm_send_item_get_size (item) < 0)
        self->tally.counting++;
      if (fm_send_item_get_problem (item) != NULL)
        self->tally.problems++;
      self->tally.files += MAX (fm_send_item_get_n_files (item), 1);
      self->tally.bytes += MAX (fm_send_item_get_size (item), 0);
    }
}

/* The list is as high as its rows, up to six and a half (the half says
 * there is more): GtkListView 4.8 reports about one row as its natural
 * height however many it holds, so the height is set from the count (and
 * fixed: it does not follow the list as items come in). A row is 50 px
 * and its line (style.css). */
#define FILES_ROW_HEIGHT 51
#define FILES_MAX_HEIGHT (FILES_ROW_HEIGHT * 13 / 2)

static void
update_files_title (FmSendPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  g_autofree char *size = NULL, *title = NULL;

  gtk_scrolled_window_set_min_content_height (self->files_scroller,
                                              (int) MIN (n * FILES_ROW_HEIGHT, FILES_MAX_HEIGHT));
  tally_files (self);
  size = g_format_size ((guint64) self->tally.bytes);
  title = self->tally.counting > 0 ? g_strdup (_("Files")) : g_strdup_printf (_("Files · %s in total"), size);
  adw_preferences_group_set_title (self->files_group, title);
  gtk_stack_set_visible_child_name (self->files_stack, n > 0 ? "list" : "empty");
  validate (self);
}

static gboolean
tally_idle_cb (gpointer user_data)
{
  FmSendPage *self = user_data;

  self->tally_idle = 0;
  update_files_title (self);
  return G_SOURCE_REMOVE;
}

static void
items_counted_cb (FmSendPage *self)
{
  if (self->tally_idle == 0)
    self->tally_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, tally_idle_cb, self, NULL);
}

static void
files_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  FmSendPage *self)
{
  update_files_title (self);
}

/* Items go into the list a few dozen at a time until it holds a
 * screenful and more, one step between two frames, then all the rest at
 * once: GtkListView 4.8 makes about 200 rows whatever the count, and made
 * in one go they held up the window for 110 ms (20,000 files picked). */
#define STAGE_STEP  50
#define STAGE_UNTIL 250

static gboolean
stage_next (gpointer user_data)
{
  FmSendPage *self = user_data;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  guint take = shown < STAGE_UNTIL ? MIN (STAGE_STEP, self->staged->len) : self->staged->len;
  g_autoptr(GPtrArray) step = g_ptr_array_new_full (take, g_object_unref);

  for (guint i = 0; i < take; i++)
    g_ptr_array_add (step, g_object_ref (self->staged->pdata[i]));
  g_ptr_array_remove_range (self->staged, 0, take);
  if (self->staged->len == 0)
    self->stage_idle = 0;
  g_list_store_splice (self->files, shown, 0, step->pdata, step->len);
  return self->staged->len > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Adds what is not in the list yet: a set of what is there, not a walk
 * of the list per file (20,000 files picked at once were 2x10^8
 * comparisons), and the items are counted together. */
void
fm_send_page_add_files (FmSendPage  *self,
                        GFile      **files,
                        guint        n_files)
{
  GListModel *model = G_LIST_MODEL (self->files);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_file_hash, (GEqualFunc) g_file_equal, g_object_unref, NULL);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FmSendItem) item = g_list_model_get_item (model, i);

      g_hash_table_add (seen, g_object_ref (fm_send_item_get_file (item)));
    }
  for (guint i = 0; i < self->staged->len; i++)
    g_hash_table_add (seen, g_object_ref (fm_send_item_get_file (self->staged->pdata[i])));
  for (guint i = 0; i < n_files; i++)
    if (g_hash_table_add (seen, g_object_ref (files[i])))
      g_ptr_array_add (fresh, files[i]);
  if (fresh->len == 0)
    return;
  items = fm_send_items_new ((GFile **) fresh->pdata, fresh->len, G_OBJECT (self),
                             (FmSendItemsCounted) items_counted_cb);
  g_ptr_array_extend_and_steal (self->staged, g_steal_pointer (&items));
  if (self->stage_idle == 0 && stage_next (self) == G_SOURCE_CONTINUE)
    self->stage_idle = g_idle_add (stage_next, self);
}

GListModel *
fm_send_page_get_files (FmSendPage *self)
{
  return G_LIST_MODEL (self->files);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     FmSendPage      *self)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      fm_send_page_add_files (self, (GFile **) array->pdata, array->len);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* GtkFileChooserNative: the file-chooser portal inside Flatpak. */
static void
choose (FmSendPage           *self,
        GtkFileChooserAction  action,
        const char           *title)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (native), action,
                                                               _("_Add"), _("_Cancel"));

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_files_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose (FM_SEND_PAGE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Add Files"));
}

static void
add_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose (FM_SEND_PAGE (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Add Folder"));
}

static void
paste_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FmSendPage) self = user_data;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, NULL);
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  if (value == NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return;
  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  fm_send_page_add_files (self, (GFile **) array->pdata, array->len);
}

/* Files copied in a file manager arrive as a file list on the clipboard. */
void
fm_send_page_paste (FmSendPage *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                  paste_done_cb, g_object_ref (self));
}

/* ----------------------------------------------------------------- form */

static gboolean
files_ready (FmSendPage  *self,
             const char **hint)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->files)) == 0)
    {
      *hint = _("Add files or folders to send.");
      return FALSE;
    }
  if (self->tally.problems > 0)
    {
      *hint = _("Remove the items that cannot be sent; each says why.");
      return FALSE;
    }
  return TRUE;
}

/* Checks the form as the user types; the Send button and the hint below
 * it say what is missing. */
/* "3 files · 1.2 GB", or NULL while a folder is still being counted or
 * nothing is there. */
static char *
files_summary (FmSendPage *self)
{
  g_autofree char *size = NULL;

  if (self->tally.counting > 0 || self->tally.files == 0)
    return NULL;
  size = g_format_size ((guint64) self->tally.bytes);
  /* %'u: "20,000 files" where the language groups digits */
  return g_strdup_printf (g_dngettext (NULL, "%'u file · %s", "%'u files · %s", self->tally.files),
                          self->tally.files, size);
}

/* The bar under the form: what is about to go and what the form still
 * needs, always on screen beside Send. */
static void
show_summary (FmSendPage *self,
              gboolean    ok,
              const char *hint)
{
  g_autofree char *summary = ok ? files_summary (self) : NULL;
  g_autofree char *markup = NULL;

  if (summary != NULL && hint != NULL)
    markup = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", summary, hint);
  else if (summary != NULL)
    markup = g_markup_printf_escaped ("<b>%s</b>", summary);
  else
    markup = g_markup_escape_text (hint != NULL ? hint : "", -1);
  gtk_label_set_markup (self->hint_label, markup);
}

/* Each row is marked by its own rule (fm-transfer-options); the hint is
 * the first problem, in the form's order. */
static void
validate (FmSendPage *self)
{
  const char *to = gtk_editable_get_text (GTK_EDITABLE (self->to_row));
  const char *from = gtk_editable_get_text (GTK_EDITABLE (self->from_row));
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));
  g_autoptr(GError) to_error = NULL, from_error = NULL, subject_error = NULL;
  g_autofree char *counter = NULL;
  const char *hint = NULL;
  gboolean from_shown = gtk_widget_get_visible (GTK_WIDGET (self->from_row));
  gboolean logged_in = self->session != NULL && fm_session_is_logged_in (self->session);
  gboolean ok = files_ready (self, &hint);

  /* logged in, "to" may be one of the sender's contact groups */
  fm_transfer_check_recipients (to, logged_in, &to_error);
  fm_entry_row_set_problem (self->to_row, to_error != NULL ? to_error->message : NULL);
  /* "from" is optional (the API does not need it): checked only if given */
  if (from_shown)
    fm_transfer_check_sender (from, &from_error);
  fm_entry_row_set_problem (self->from_row, from_error != NULL ? _("This is not an e-mail address.") : NULL);
  counter = g_strdup_printf ("%ld/%d", g_utf8_strlen (subject, -1), FM_SUBJECT_MAX_CHARS);
  gtk_label_set_label (self->subject_counter, counter);
  fm_transfer_check_subject (subject, &subject_error);
  fm_entry_row_set_problem (self->subject_row, subject_error != NULL ? _("The subject is too long.") : NULL);

  if (ok && (to_error != NULL || from_error != NULL || subject_error != NULL))
    {
      ok = FALSE;
      hint = to_error != NULL ? to_error->message
             : from_error != NULL ? _("Your e-mail address is not valid; it may also be left empty.")
             : subject_error->message;
    }
  else if (ok && *to == '\0')
    hint = _("No recipients: you get a link to share yourself.");
  else if (ok && logged_in && fm_recipients_is_group (to))
    hint = _("Sent to everyone in your contact group.");
  g_free (self->hint);
  self->hint = g_strdup (hint);
  show_summary (self, ok, hint);
  self->valid = ok;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.send", ok);
}

/* Whether Send would send. */
gboolean
fm_send_page_is_valid (FmSendPage *self)
{
  /* counts that arrived this main-loop turn are in the answer */
  if (self->tally_idle != 0)
    update_files_title (self);
  return self->valid;
}

/* What the bar beside Send says: the summary and the hint, as text. */
const char *
fm_send_page_get_status (FmSendPage *self)
{
  if (self->tally_idle != 0)
    update_files_title (self);
  return gtk_label_get_text (self->hint_label);
}

const char *
fm_send_page_get_hint (FmSendPage *self)
{
  if (self->tally_idle != 0)
    update_files_title (self);
  return self->hint;
}

static char *
message_text (FmSendPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->message_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static FmTransferOptions *
read_form (FmSendPage *self)
{
  FmTransferOptions *options = fm_transfer_options_new ();
  gboolean logged_in = fm_session_is_logged_in (self->session);

  options->to = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->to_row)));
  options->from = logged_in || *gtk_editable_get_text (GTK_EDITABLE (self->from_row)) == '\0'
                  ? NULL : g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->from_row)));
  options->subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  options->message = message_text (self);
  options->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  options->days = gtk_spin_button_get_value_as_int (self->days_spin);
  /* sent when on, or when the user turned it off: a switch nobody
   * touched leaves the choice to the account */
  options->notify = gtk_switch_get_active (self->notify_switch) || self->notify_chosen
                    ? gtk_switch_get_active (self->notify_switch) : FM_OPTION_UNSET;
  options->confirmation = gtk_switch_get_active (self->confirmation_switch) || self->confirmation_chosen
                          ? gtk_switch_get_active (self->confirmation_switch) : FM_OPTION_UNSET;
  return options;
}

static void
reset_form (FmSendPage *self)
{
  GSettings *settings = self->settings;

  g_list_store_remove_all (self->files);
  gtk_editable_set_text (GTK_EDITABLE (self->to_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->message_view), "", -1);
  gtk_spin_button_set_value (self->days_spin, g_settings_get_int (settings, "default-days"));
  gtk_switch_set_active (self->notify_switch, g_settings_get_boolean (settings, "notify-default"));
  gtk_switch_set_active (self->confirmation_switch, FALSE);
  self->notify_chosen = self->confirmation_chosen = FALSE;
}

static void
notify_chosen_cb (FmSendPage *self)
{
  self->notify_chosen = TRUE;
}

static void
confirmation_chosen_cb (FmSendPage *self)
{
  self->confirmation_chosen = TRUE;
}

static gboolean
focus_row_cb (gpointer data)
{
  g_autoptr(GtkWidget) row = data;
  FmSendPage *self = FM_SEND_PAGE (gtk_widget_get_ancestor (row, FM_TYPE_SEND_PAGE));

  if (self == NULL)
    return G_SOURCE_REMOVE;
  /* the transfers sit at the top of the page */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_widget_grab_focus (row);
  return G_SOURCE_REMOVE;
}

/* After Send the user sees the new transfer's progress, not a toast over
 * an empty form: its row, scrolled into view and focused once laid out. */
static void
show_new_upload (FmSendPage  *self,
                 FmUploadJob *job)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->uploads_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (FM_IS_UPLOAD_ROW (row) && fm_upload_row_get_job (FM_UPLOAD_ROW (row)) == job)
      {
        g_idle_add_full (G_PRIORITY_LOW, focus_row_cb, g_object_ref (row), NULL);
        return;
      }
}

/* "send.show-upload" (a job id): a row that replaced another (Send
 * Again) is shown and focused like a new one. */
static void
show_upload_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  FmSendPage *self = FM_SEND_PAGE (widget);
  FmUploadJob *job = fm_upload_queue_find (fm_session_get_queue (self->session), g_variant_get_string (param, NULL));

  if (job != NULL)
    show_new_upload (self, job);
}

static void
send_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FmSendPage *self = FM_SEND_PAGE (widget);
  GSettings *settings = self->settings;
  g_autoptr(FmTransferOptions) options = read_form (self);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FmUploadJob) job = NULL;
  g_autofree char *title = NULL, *toast = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->files)); i++)
    {
      g_autoptr(FmSendItem) item = g_list_model_get_item (G_LIST_MODEL (self->files), i);
      g_ptr_array_add (paths, g_file_get_path (fm_send_item_get_file (item)));
    }
  g_ptr_array_add (paths, NULL);
  job = fm_upload_job_new (fm_session_get_client (self->session), options,
                           (const char * const *) paths->pdata);
  fm_upload_job_set_chunk_size (job, g_settings_get_int (settings, "chunk-size"));
  fm_upload_job_set_parallel (job, (guint) g_settings_get_int (settings, "parallel-uploads"));
  fm_upload_queue_add (fm_session_get_queue (self->session), job);
  title = fm_upload_job_dup_title (job);
  toast = g_strdup_printf (_("Sending “%s”"), title);
  gtk_widget_activate_action (widget, "win.toast", "s", toast);
  reset_form (self);
  show_new_upload (self, job);
}

static void
account_changed_cb (FmSendPage *self)
{
  gboolean logged_in = fm_session_is_logged_in (self->session);

  gtk_widget_set_visible (GTK_WIDGET (self->from_row), !logged_in);
  validate (self);
}

static GtkWidget *
create_upload_row (gpointer item,
                   gpointer user_data)
{
  return GTK_WIDGET (fm_upload_row_new (item, fm_session_get_queue (user_data)));
}

static void
uploads_changed_cb (GListModel *queue,
                    guint       position,
                    guint       removed,
                    guint       added,
                    FmSendPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->uploads_group), g_list_model_get_n_items (queue) > 0);
}

/* What the page works with: the session (its queue and login) and the
 * settings (the form's defaults, chunk size and parallel uploads). */
void
fm_send_page_setup (FmSendPage *self,
                    FmSession  *session,
                    GSettings  *settings)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (session));

  g_return_if_fail (self->session == NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  gtk_list_box_bind_model (self->uploads_list, queue, create_upload_row, session, NULL);
  g_signal_connect_object (queue, "items-changed", G_CALLBACK (uploads_changed_cb), self, 0);
  g_signal_connect_object (session, "notify::logged-in", G_CALLBACK (account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  uploads_changed_cb (queue, 0, 0, 0, self);
  reset_form (self);
  account_changed_cb (self);
}

GtkEditable *
fm_send_page_get_to_entry (FmSendPage *self)
{
  return GTK_EDITABLE (self->to_row);
}

GtkEditable *
fm_send_page_get_from_entry (FmSendPage *self)
{
  return GTK_EDITABLE (self->from_row);
}

GtkEditable *
fm_send_page_get_subject_entry (FmSendPage *self)
{
  return GTK_EDITABLE (self->subject_row);
}

/* ------------------------------------------------------------ GObject */

static void
fm_send_page_dispose (GObject *object)
{
  FmSendPage *self = FM_SEND_PAGE (object);

  g_clear_handle_id (&self->tally_idle, g_source_remove);
  g_clear_handle_id (&self->stage_idle, g_source_remove);
  g_clear_pointer (&self->staged, g_ptr_array_unref);
  g_clear_object (&self->files);
  g_clear_pointer (&self->hint, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_SEND_PAGE);
  G_OBJECT_CLASS (fm_send_page_parent_class)->dispose (object);
}

static void
fm_send_page_class_init (FmSendPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_send_page_dispose;
  g_type_ensure (FM_TYPE_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-send-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, files_stack);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, files_group);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, files_list);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, files_scroller);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, to_row);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, from_row);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, subject_counter);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, days_row);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, confirmation_switch);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, message_view);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, uploads_group);
  gtk_widget_class_bind_template_child (widget_class, FmSendPage, uploads_list);

  gtk_widget_class_install_action (widget_class, "send.add-files", NULL, add_files_action);
  gtk_widget_class_install_action (widget_class, "send.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "send.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "send.show-upload", "s", show_upload_action);
  /* Ctrl+O / Ctrl+Shift+O are the window's (win.add-files), on every page */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "send.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "send.send", NULL);
}

static void
fm_send_page_init (FmSendPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->files = g_list_store_new (FM_TYPE_SEND_ITEM);
  self->staged = g_ptr_array_new_with_free_func (g_object_unref);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_file_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_file_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_file_row_cb), self);
  gtk_list_view_set_factory (self->files_list, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->files)));
  gtk_list_view_set_model (self->files_list, GTK_SELECTION_MODEL (selection));
  g_signal_connect (self->files, "items-changed", G_CALLBACK (files_changed_cb), self);
  g_signal_connect_swapped (self->to_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->from_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->subject_row, "changed", G_CALLBACK (validate), self);
  fm_days_spin_setup (self->days_spin, self->days_row, 0);
  /* "state-set" is the user's (a click, a key); set_active from code is not */
  g_signal_connect_swapped (self->notify_switch, "state-set", G_CALLBACK (notify_chosen_cb), self);
  g_signal_connect_swapped (self->confirmation_switch, "state-set", G_CALLBACK (confirmation_chosen_cb), self);
  validate (self);
}
