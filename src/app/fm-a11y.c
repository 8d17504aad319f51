/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-a11y.c: names for what libadwaita 1.2 and GTK 4.8 leave unnamed
 *
 * A screen reader reads a focusable widget's accessible name; without one
 * GTK 4.8 falls back to the class name ("GtkImage"). Our own widgets are
 * named in their .ui files; this names the parts libadwaita builds inside
 * its widgets: the scrolled window of an AdwStatusPage or
 * AdwPreferencesPage (named after the page), the list of an
 * AdwPreferencesGroup (after the group), the show-password button of an
 * AdwPasswordEntryRow, AdwExpanderRow's enable switch, header row and
 * lists, and AdwPreferencesWindow's search button; and it makes a row with
 * an activatable widget one Tab stop. Run it once on a window's tree after
 * its template is built.
 */
#include <glib/gi18n.h>

#include "fm-a11y.h"

static void
label (GtkWidget  *widget,
       const char *text)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static GtkWidget *
first_scroller (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_SCROLLED_WINDOW (child) ? child : first_scroller (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
name_password_peek (GtkWidget *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *image = GTK_IS_BUTTON (child) ? gtk_button_get_child (GTK_BUTTON (child)) : NULL;
      const char *icon = GTK_IS_IMAGE (image) ? gtk_image_get_icon_name (GTK_IMAGE (image)) : NULL;

      /* the icon button that shows the password (view-reveal / view-conceal) */
      if (icon != NULL && g_str_has_prefix (icon, "view-"))
        label (child, _("Show or Hide Password"));
      else
        name_password_peek (child);
    }
}

static void
name_page (GtkWidget  *page,
           const char *title)
{
  GtkWidget *scroller = first_scroller (page);

  if (scroller != NULL && title != NULL && *title != '\0')
    label (scroller, title);
}

static GtkWidget *
first_list_box (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_LIST_BOX (child) ? child : first_list_box (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The boxed list inside an untitled AdwPreferencesGroup: its window's
 * title ("Log In"). */
static void
name_group_list (GtkWidget *group)
{
  GtkWidget *list = first_list_box (group);
  const char *title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group));
  GtkRoot *window = gtk_widget_get_root (group);

  /* a titled group's list is named after the title by libadwaita already */
  if (title != NULL && *title != '\0')
    return;
  if (list != NULL && GTK_IS_WINDOW (window) && gtk_window_get_title (GTK_WINDOW (window)) != NULL)
    label (list, gtk_window_get_title (GTK_WINDOW (window)));
}

static gboolean
unfocusable_idle (gpointer data)
{
  g_autoptr(GtkWidget) row = data;

  gtk_widget_set_focusable (row, FALSE);
  return G_SOURCE_REMOVE;
}

static void
row_mapped_cb (GtkWidget *row)
{
  g_signal_handlers_disconnect_by_func (row, row_mapped_cb, NULL);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unfocusable_idle, g_object_ref (row), NULL);
}

/* A row that is no Tab stop of its own (its switch or field is). Done
 * once the row's window is on screen: changing a widget's focusability
 * makes GTK 4.8 register accessibles early, and a window whose
 * accessible is registered before it is shown keeps the AT-SPI role
 * "filler" instead of "dialog" or "frame" (measured with AdwMessageDialog
 * and AdwWindow): Orca would not read it as a window. */
void
fm_a11y_row_not_a_stop (GtkWidget *row)
{
  if (gtk_widget_get_mapped (row))
    row_mapped_cb (row);
  else
    g_signal_connect (row, "map", G_CALLBACK (row_mapped_cb), NULL);
}

static char *
without_mnemonic (const char *text)
{
  g_autoptr(GString) plain = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (*p != '_')
      g_string_append_c (plain, *p);
    else if (p[1] == '_')
      g_string_append_c (plain, *++p);
  return g_string_free (g_steal_pointer (&plain), FALSE);
}

/* Every widget of a kind below @widget, in tree order. */
static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect (child, type, found);
    }
}

/* AdwExpanderRow on libadwaita 1.2 names neither its enable switch
 * ("GtkSwitch"), nor itself (an empty row), nor its lists ("GtkListBox"):
 * they take the expander's title. Its header row, which the title names
 * already, is the Tab stop that expands it; the outer row is none. The
 * enable switch is the only switch the expander builds; the rows inside
 * hold spin buttons. */
static void
name_expander (GtkWidget *expander)
{
  g_autofree char *title = without_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)));
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();

  collect (expander, GTK_TYPE_SWITCH, switches);
  collect (expander, GTK_TYPE_LIST_BOX, lists);
  if (switches->len > 0)
    label (g_ptr_array_index (switches, 0), title);
  for (guint i = 0; i < lists->len; i++)
    label (g_ptr_array_index (lists, i), title);
  label (expander, title);
  fm_a11y_row_not_a_stop (expander);
}

void
fm_a11y_name_tree (GtkWidget *root)
{
  if (ADW_IS_STATUS_PAGE (root))
    name_page (root, adw_status_page_get_title (ADW_STATUS_PAGE (root)));
  else if (ADW_IS_PREFERENCES_PAGE (root))
    {
      GtkRoot *window = gtk_widget_get_root (root);
      const char *title = adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (root));

      if ((title == NULL || *title == '\0') && GTK_IS_WINDOW (window))
        title = gtk_window_get_title (GTK_WINDOW (window));
      name_page (root, title);
    }
  else if (ADW_IS_PASSWORD_ENTRY_ROW (root))
    name_password_peek (root);
  else if (ADW_IS_PREFERENCES_GROUP (root))
    name_group_list (root);
  else if (ADW_IS_EXPANDER_ROW (root))
    name_expander (root);
  else if (ADW_IS_ACTION_ROW (root) && adw_action_row_get_activatable_widget (ADW_ACTION_ROW (root)) != NULL)
    /* a setting is one Tab stop: its switch or field, which the row's
     * title names, not the row and then the switch again */
    fm_a11y_row_not_a_stop (root);
  else if (GTK_IS_BUTTON (root) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (root))) &&
           g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (root)))),
                      "edit-find-symbolic") == 0)
    label (root, _("Search"));   /* AdwPreferencesWindow's search button */
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fm_a11y_name_tree (child);
}

static void
revealer_changed_cb (GtkRevealer *revealer)
{
  if (gtk_revealer_get_reveal_child (revealer))
    gtk_widget_set_visible (GTK_WIDGET (revealer), TRUE);
  else if (!gtk_revealer_get_child_revealed (revealer))
    gtk_widget_set_visible (GTK_WIDGET (revealer), FALSE);
}

/* A closed GtkRevealer keeps its child in the accessibility tree, marked
 * visible: a screen reader in browse mode reads "You are offline" while
 * nothing is shown. This hides the revealer once it has closed and shows
 * it again when it is asked to open, so the animation stays and a closed
 * banner is gone from the tree. */
void
fm_a11y_hide_when_closed (GtkRevealer *revealer)
{
  g_signal_connect (revealer, "notify::reveal-child", G_CALLBACK (revealer_changed_cb), NULL);
  g_signal_connect (revealer, "notify::child-revealed", G_CALLBACK (revealer_changed_cb), NULL);
  revealer_changed_cb (revealer);
}
