/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-view-files.c: a transfer's files in FmTransferView
 *
 * A GtkListView: rows (FmFileRow) are made for the files on screen and
 * bound to one file after another as the list scrolls. A transfer of
 * 10,000 files made 10,000 rows at once before (92 s and 2 GiB here). So
 * nothing may ask a row for what only the session knows: a file's
 * download is the session's (fm_session_find_download), whether it was
 * saved too (fm_session_dup_saved_path); Download All walks the files,
 * not the rows.
 */
#define G_LOG_DOMAIN "fm-transfer-view"

#include <glib/gi18n.h>

#include "fm-download-job.h"
#include "fm-disk-space.h"
#include "fm-format.h"
#include "fm-transfer-view-private.h"

/* A row and its line (an AdwActionRow's 50 px and more for a two-line
 * subtitle): the list is as high as its rows up to ten, then scrolls.
 * GtkListView 4.8 reports about one row as its natural height, so the
 * height is set from the count, and fixed: a height that followed the
 * list as it grows asked the whole page for a new layout at each step. */
#define FILE_ROW_HEIGHT 58
#define FILES_MAX_ROWS  10

/* The row in a list item, or NULL. */
static FmFileRow *
row_of (GtkWidget *child)
{
  GtkListBoxRow *row = GTK_IS_LIST_BOX (child) ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (child), 0) : NULL;

  return FM_IS_FILE_ROW (row) ? FM_FILE_ROW (row) : NULL;
}

/* Up and Down go on from one row's list box to the next row's (the
 * list view's items are its children, in order). */
static gboolean
keynav_failed_cb (GtkWidget        *box,
                  GtkDirectionType  direction,
                  FmTransferView   *self)
{
  GtkWidget *item = gtk_widget_get_parent (box);
  GtkWidget *next = NULL;
  FmFileRow *row;

  if (item == NULL || (direction != GTK_DIR_UP && direction != GTK_DIR_DOWN))
    return FALSE;
  next = direction == GTK_DIR_DOWN ? gtk_widget_get_next_sibling (item) : gtk_widget_get_prev_sibling (item);
  row = next != NULL ? row_of (gtk_widget_get_first_child (next)) : NULL;
  return row != NULL && gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* Each row sits in a list box of its own: a GtkListBoxRow (an
 * AdwActionRow) asserts that it has one as soon as it takes the focus. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              FmTransferView           *self)
{
  GtkWidget *box = gtk_list_box_new ();
  FmFileRow *row = fm_file_row_new_unbound (self->session, self->sent);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "row-holder");
  /* the row is the stop, not the box around it */
  gtk_widget_set_focusable (box, FALSE);
  g_signal_connect_object (box, "keynav-failed", G_CALLBACK (keynav_failed_cb), self, 0);
  g_signal_connect_object (row, "rename", G_CALLBACK (_fm_transfer_view_file_rename_cb), self, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (_fm_transfer_view_file_remove_cb), self, 0);
  gtk_list_box_append (GTK_LIST_BOX (box), GTK_WIDGET (row));
  gtk_list_item_set_child (list_item, box);
  gtk_list_item_set_activatable (list_item, FALSE);
}

/* A screen reader lands on GTK's list item widget, the box's parent, and
 * the box: both say the file ("holiday.jpg, 2.1 MB"), not nothing. */
static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             FmTransferView           *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  FmTransferFile *file = gtk_list_item_get_item (list_item);
  g_autofree char *name = fm_format_display_text (fm_transfer_file_get_filename (file));
  g_autofree char *size = fm_format_size (fm_transfer_file_get_filesize (file));
  g_autofree char *label = size != NULL ? g_strdup_printf ("%s, %s", name, size) : g_strdup (name);

  fm_file_row_bind (row_of (box), file);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (gtk_widget_get_parent (box) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               FmTransferView           *self)
{
  fm_file_row_bind (row_of (gtk_list_item_get_child (list_item)), NULL);
}

void
_fm_transfer_view_files_init (FmTransferView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->files_list, factory);
}

/* GtkListView 4.8 makes about 200 rows whatever the count (and an
 * FmFileRow costs 1.6 ms): made at once they held the first frame of a
 * 10,000-file transfer 330 ms. The list starts with a screenful of files
 * and grows by as many between two frames until it holds 200, then takes
 * the rest at once (no more rows are made for them). */
#define GROW_STEP  16
#define GROW_UNTIL 208

static gboolean
grow_cb (gpointer user_data)
{
  FmTransferView *self = user_data;
  GListModel *all = gtk_slice_list_model_get_model (self->files_shown);
  guint shown = gtk_slice_list_model_get_size (self->files_shown);
  guint n = g_list_model_get_n_items (all);

  shown = shown + GROW_STEP < GROW_UNTIL ? shown + GROW_STEP : n;
  gtk_slice_list_model_set_size (self->files_shown, MIN (shown, n));
  if (shown < n)
    return G_SOURCE_CONTINUE;
  self->files_grow = 0;
  return G_SOURCE_REMOVE;
}

/* Shows @files (NULL: none). */
void
_fm_transfer_view_files_show (FmTransferView *self,
                              GListModel     *files)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;

  g_clear_handle_id (&self->files_grow, g_source_remove);
  g_clear_object (&self->files_shown);
  if (files != NULL)
    {
      self->files_shown = gtk_slice_list_model_new (g_object_ref (files), 0, MIN (n, GROW_STEP));
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->files_shown)));
      if (n > GROW_STEP)
        self->files_grow = g_idle_add (grow_cb, self);
    }
  gtk_list_view_set_model (self->files_list, GTK_SELECTION_MODEL (selection));
  gtk_scrolled_window_set_min_content_height (self->files_scroller,
                                              (int) MIN (n, FILES_MAX_ROWS) * FILE_ROW_HEIGHT);
}

void
_fm_transfer_view_files_dispose (FmTransferView *self)
{
  g_clear_handle_id (&self->files_grow, g_source_remove);
  g_clear_object (&self->files_shown);
}

/* Each row the list has made, bound or not. */
static GPtrArray *
rows (FmTransferView *self)
{
  GPtrArray *found = g_ptr_array_new ();

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->files_list)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      FmFileRow *row = row_of (gtk_widget_get_first_child (item));

      if (row != NULL)
        g_ptr_array_add (found, row);
    }
  return found;
}

/* The row showing the file at @position, if it is made and bound. */
FmFileRow *
fm_transfer_view_get_file_row (FmTransferView *self,
                               guint           position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->files_list));
  g_autoptr(GObject) file = model != NULL ? g_list_model_get_item (model, position) : NULL;
  g_autoptr(GPtrArray) made = rows (self);

  for (guint i = 0; file != NULL && i < made->len; i++)
    if ((GObject *) fm_file_row_get_file (made->pdata[i]) == file)
      return made->pdata[i];
  return NULL;
}

/* How many files the list holds yet (it grows to all of them). */
guint
fm_transfer_view_get_n_files_shown (FmTransferView *self)
{
  return self->files_shown != NULL ? gtk_slice_list_model_get_size (self->files_shown) : 0;
}

/* How many file rows the page has made; for the scale test. */
guint
fm_transfer_view_count_file_rows (FmTransferView *self)
{
  g_autoptr(GPtrArray) made = rows (self);

  return made->len;
}

/* Whether @file needs downloading: neither under way nor saved. */
static gboolean
needs_download (FmTransferView *self,
                FmTransferFile *file)
{
  FmDownloadJob *job = fm_session_find_download (self->session, file);
  g_autofree char *saved = NULL;

  if (job != NULL)
    return fm_download_job_get_state (job) == FM_DOWNLOAD_STATE_STOPPED ||
           fm_download_job_get_state (job) == FM_DOWNLOAD_STATE_FAILED;
  saved = fm_session_dup_saved_path (self->session, file);
  return saved == NULL;
}

/* Download All: every file not saved and not under way, if all of them
 * fit (said now, not half way); four run at once, the session queues the
 * rest. The rows on screen show theirs at once. */
void
_fm_transfer_view_download_all_action (GtkWidget  *widget,
                                       const char *name,
                                       GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  GListModel *files = self->transfer != NULL ? fm_transfer_get_files (self->transfer) : NULL;
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) made = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) first_error = NULL;
  gint64 needed = 0;

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (files, i);

      if (needs_download (self, file))
        {
          needed += MAX (fm_transfer_file_get_filesize (file), 0);
          g_ptr_array_add (wanted, g_steal_pointer (&file));
        }
    }
  if (!fm_disk_space_check (fm_session_get_download_folder (self->session), -1, needed, FM_DISK_MARGIN_ASKED,
                            &error))
    {
      _fm_transfer_view_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < wanted->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (fm_session_download (self->session, wanted->pdata[i], NULL, &local_error) != NULL)
        self->download_all_count++;
      else if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }
  if (first_error != NULL)
    _fm_transfer_view_toast (self, first_error->message);
  /* the rows on screen follow their files' new downloads */
  made = rows (self);
  for (guint i = 0; i < made->len; i++)
    fm_file_row_bind (made->pdata[i], fm_file_row_get_file (made->pdata[i]));
}

/* After Download All the focus goes to the first file's Open (when its
 * row is made: the list is scrolled elsewhere otherwise). */
void
_fm_transfer_view_focus_first_open (FmTransferView *self)
{
  FmFileRow *first = fm_transfer_view_get_file_row (self, 0);

  if (first != NULL)
    fm_file_row_focus_open (first);
}
