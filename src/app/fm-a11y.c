/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-a11y.c: names for what libadwaita 1.2 and GTK 4.8 leave unnamed
 *
 * A screen reader reads a focusable widget's accessible name; without one
 * GTK 4.8 falls back to the class name ("GtkImage"). Our own widgets are
 * named in their .ui files; this names the parts libadwaita builds inside
 * its widgets: the scrolled window of an AdwStatusPage or
 * AdwPreferencesPage (named after the page), the list of an
 * AdwPreferencesGroup (after the group), the show-password button of an
 * AdwPasswordEntryRow and AdwPreferencesWindow's search button. Run it once on a window's tree after its
 * template is built.
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
  else if (GTK_IS_BUTTON (root) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (root))) &&
           g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (root)))),
                      "edit-find-symbolic") == 0)
    label (root, _("Search"));   /* AdwPreferencesWindow's search button */
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fm_a11y_name_tree (child);
}
