/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-file-row.c: one file of a transfer, or one download
 *
 * The row shows the file's download, which the session owns (it goes
 * on when the row goes away): progress, speed and time left in the
 * subtitle and a bar, Stop; when done, Open and Show in Folder. The saved
 * name comes from the job (fm_download_safe_name, never the server's name
 * as a path). Rename and Remove are offered for one's own transfers and
 * only signalled: the transfer view talks to the server. The same row
 * lists a download in the window's Downloads popover.
 */
#define G_LOG_DOMAIN "fm-file-row"

#include <glib/gi18n.h>

#include "fm-download-job.h"
#include "fm-error.h"
#include "fm-file-row.h"
#include "fm-format.h"

struct _FmFileRow
{
  AdwActionRow     parent_instance;

  FmSession       *session;
  FmTransferFile  *file;
  FmDownloadJob   *job;         /* the session's; watched, not owned */
  FmFileRowState   state;
  char            *saved_path;

  GtkProgressBar  *progress_bar;
  GtkWidget       *download_button;
  GtkWidget       *cancel_button;
  GtkWidget       *open_button;
  GtkWidget       *folder_button;
  GtkWidget       *menu_button;
  GMenuModel      *file_menu;
};

G_DEFINE_FINAL_TYPE (FmFileRow, fm_file_row, ADW_TYPE_ACTION_ROW)

enum {
  SIGNAL_RENAME,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

FmTransferFile *
fm_file_row_get_file (FmFileRow *self)
{
  return self->file;
}

FmFileRowState
fm_file_row_get_state (FmFileRow *self)
{
  return self->state;
}

const char *
fm_file_row_get_saved_path (FmFileRow *self)
{
  return self->saved_path;
}

static void
set_state (FmFileRow      *self,
           FmFileRowState  state,
           const char     *subtitle)
{
  self->state = state;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state == FM_FILE_ROW_DOWNLOADING);
  gtk_widget_set_visible (self->cancel_button, state == FM_FILE_ROW_DOWNLOADING);
  gtk_widget_set_visible (self->download_button, state == FM_FILE_ROW_IDLE || state == FM_FILE_ROW_FAILED);
  gtk_widget_set_visible (self->open_button, state == FM_FILE_ROW_DONE);
  gtk_widget_set_visible (self->folder_button, state == FM_FILE_ROW_DONE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
}

static void
progress_cb (FmFileRow *self)
{
  gint64 done = fm_download_job_get_bytes_received (self->job);
  gint64 total = fm_download_job_get_bytes_total (self->job);
  double speed = fm_download_job_get_speed (self->job);
  gint64 eta = speed >= 1 && total > done ? (gint64) ((double) (total - done) / speed) : -1;
  g_autofree char *text = fm_format_progress (done, total, speed, eta);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  /* no size from the server: the bar moves, but claims no fraction */
  if (total < 0 && fm_download_job_get_state (self->job) == FM_DOWNLOAD_STATE_RUNNING)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fm_download_job_get_fraction (self->job));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), escaped);
}

static char *
size_text (FmFileRow *self)
{
  gint64 size = self->file != NULL ? fm_transfer_file_get_filesize (self->file) : -1;

  /* the server did not say: the download runs to the end of the stream */
  return fm_format_size (size) ?: g_strdup (_("Size unknown"));
}

static void
show_saved (FmFileRow  *self,
            const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *text = g_strdup_printf (_("Saved as “%s”"), name);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_free (self->saved_path);
  self->saved_path = g_strdup (path);
  set_state (self, FM_FILE_ROW_DONE, escaped);
}

/* The job's state, as the row shows it. */
static void
job_state_cb (FmFileRow *self)
{
  FmDownloadJob *job = self->job;

  switch (fm_download_job_get_state (job))
    {
    case FM_DOWNLOAD_STATE_IDLE:
      /* its turn comes after the files before it (four at a time) */
      set_state (self, FM_FILE_ROW_DOWNLOADING, _("Waiting…"));
      break;
    case FM_DOWNLOAD_STATE_RUNNING:
      set_state (self, FM_FILE_ROW_DOWNLOADING, _("Starting…"));
      if (fm_download_job_get_bytes_received (job) > 0)
        progress_cb (self);
      break;
    case FM_DOWNLOAD_STATE_DONE:
      show_saved (self, fm_download_job_get_path (job));
      break;
    case FM_DOWNLOAD_STATE_STOPPED:
      {
        g_autofree char *size = size_text (self);
        g_autofree char *text = g_strdup_printf (_("%s · stopped; downloading again continues where it stopped"), size);

        set_state (self, FM_FILE_ROW_IDLE, text);
      }
      break;
    case FM_DOWNLOAD_STATE_FAILED:
    default:
      {
        g_autofree char *described = fm_error_describe (fm_download_job_get_error (job));
        g_autofree char *escaped = g_markup_escape_text (described, -1);

        set_state (self, FM_FILE_ROW_FAILED, escaped);
      }
      break;
    }
}

static void
watch_job (FmFileRow     *self,
           FmDownloadJob *job)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  if (job == NULL)
    return;
  g_signal_connect_swapped (job, "notify::bytes-received", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (job, "notify::state", G_CALLBACK (job_state_cb), self);
  job_state_cb (self);
}

/* Into the download folder; a file left half-done there by an earlier
 * attempt (name.part) is continued with a Range request. */
void
fm_file_row_download (FmFileRow *self)
{
  g_autoptr(GError) error = NULL;
  FmDownloadJob *job;

  if (self->state == FM_FILE_ROW_DOWNLOADING || self->file == NULL)
    return;
  job = fm_session_download (self->session, self->file, NULL, &error);
  if (job == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      set_state (self, FM_FILE_ROW_FAILED, escaped);
      return;
    }
  watch_job (self, job);
}

void
fm_file_row_cancel (FmFileRow *self)
{
  if (self->job != NULL)
    fm_download_job_stop (self->job);
}

/* The saved file's Open button takes the focus (after Download All). */
gboolean
fm_file_row_focus_open (FmFileRow *self)
{
  g_return_val_if_fail (FM_IS_FILE_ROW (self), FALSE);
  return gtk_widget_get_visible (self->open_button) && gtk_widget_grab_focus (self->open_button);
}

/* Opens @path (a file or folder) with its default application. */
static void
show_path (FmFileRow  *self,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
show_folder (FmFileRow *self)
{
  g_autofree char *dir = g_path_get_dirname (self->saved_path);

  show_path (self, dir);
}

static void
show_in_folder_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FmFileRow) self = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  /* no FileManager1 service: open the folder itself */
  if (reply == NULL && self->saved_path != NULL)
    show_folder (self);
}

/* org.freedesktop.FileManager1 selects the file in its folder; it works
 * from inside a sandbox too (the portal exposes it). */
static void
show_in_folder_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FmFileRow *self = FM_FILE_ROW (widget);
  GDBusConnection *bus = g_application_get_dbus_connection (g_application_get_default ());
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  if (self->saved_path == NULL)
    return;
  if (bus == NULL)
    {
      show_folder (self);
      return;
    }
  file = g_file_new_for_path (self->saved_path);
  uri = g_file_get_uri (file);
  uris[0] = uri;
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE, 10 * 1000,
                          NULL, show_in_folder_done_cb, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FmFileRow *self = FM_FILE_ROW (widget);

  if (self->saved_path != NULL)
    show_path (self, self->saved_path);
}

static void
signal_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (g_str_equal (action_name, "row.rename"))
    g_signal_emit (widget, signals[SIGNAL_RENAME], 0);
  else if (g_str_equal (action_name, "row.remove"))
    g_signal_emit (widget, signals[SIGNAL_REMOVE], 0);
  else if (g_str_equal (action_name, "row.download"))
    fm_file_row_download (FM_FILE_ROW (widget));
  else
    fm_file_row_cancel (FM_FILE_ROW (widget));
}

/* Icon buttons speak the file's name to a screen reader; takes @label. */
static void
label_button (GtkWidget *button,
              char      *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_free (label);
}

/* Shows @file (or nothing): its name, its download if one was started,
 * or that it was saved by an earlier run. A row of a list view is bound
 * to one file after another as the list scrolls. */
void
fm_file_row_bind (FmFileRow      *self,
                  FmTransferFile *file)
{
  g_autofree char *name = NULL, *escaped = NULL, *size = NULL, *saved = NULL;

  g_return_if_fail (FM_IS_FILE_ROW (self));
  watch_job (self, NULL);
  g_clear_pointer (&self->saved_path, g_free);
  g_set_object (&self->file, file);
  if (file == NULL)
    return;
  name = fm_format_display_text (fm_transfer_file_get_filename (file));
  escaped = g_markup_escape_text (name, -1);
  size = size_text (self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), escaped);
  set_state (self, FM_FILE_ROW_IDLE, size);
  label_button (self->download_button, g_strdup_printf (_("Download “%s”"), name));
  label_button (self->cancel_button, g_strdup_printf (_("Stop downloading “%s”"), name));
  label_button (self->open_button, g_strdup_printf (_("Open “%s”"), name));
  label_button (self->folder_button, g_strdup_printf (_("Show “%s” in its folder"), name));
  label_button (self->menu_button, g_strdup_printf (_("More for “%s”"), name));
  watch_job (self, fm_session_find_download (self->session, file));
  /* saved by an earlier run, and still there: Open and Show in Folder */
  if (self->job == NULL && (saved = fm_session_dup_saved_path (self->session, file)) != NULL)
    show_saved (self, saved);
}

/* A row for the files of a transfer, bound to none yet; Rename and Remove
 * when @editable (one's own transfer). */
FmFileRow *
fm_file_row_new_unbound (FmSession *session,
                         gboolean   editable)
{
  FmFileRow *self = g_object_new (FM_TYPE_FILE_ROW, NULL);

  self->session = g_object_ref (session);
  gtk_widget_set_visible (self->menu_button, editable);
  return self;
}

/* A file of a transfer; shows its download if one was started. */
GtkWidget *
fm_file_row_new (FmSession      *session,
                 FmTransferFile *file,
                 gboolean        editable)
{
  FmFileRow *self = fm_file_row_new_unbound (session, editable);

  fm_file_row_bind (self, file);
  return GTK_WIDGET (self);
}

/* A download, for the Downloads list. */
GtkWidget *
fm_file_row_new_for_download (FmSession     *session,
                              FmDownloadJob *job)
{
  FmFileRow *self = fm_file_row_new_unbound (session, FALSE);

  fm_file_row_bind (self, fm_download_job_get_file (job));
  watch_job (self, job);
  return GTK_WIDGET (self);
}

static void
fm_file_row_dispose (GObject *object)
{
  FmFileRow *self = FM_FILE_ROW (object);

  watch_job (self, NULL);     /* the download itself goes on */
  g_clear_object (&self->file);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_FILE_ROW);
  G_OBJECT_CLASS (fm_file_row_parent_class)->dispose (object);
}

static void
fm_file_row_finalize (GObject *object)
{
  g_free (FM_FILE_ROW (object)->saved_path);
  G_OBJECT_CLASS (fm_file_row_parent_class)->finalize (object);
}

static void
fm_file_row_class_init (FmFileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_file_row_dispose;
  object_class->finalize = fm_file_row_finalize;
  /* asked of the transfer view, which knows the server and the folder */
  signals[SIGNAL_RENAME] = g_signal_new ("rename", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-file-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, download_button);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FmFileRow, file_menu);
  gtk_widget_class_install_action (widget_class, "row.download", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "row.cancel", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "row.rename", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "row.show-in-folder", NULL, show_in_folder_action);
}

/* A saved file is dragged out as itself (a file list, text/uri-list on
 * the wire): into Files, a mail, a chat. Nothing to drag before that. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 FmFileRow     *self)
{
  g_autoptr(GFile) file = NULL;
  GSList list = { 0 };

  if (self->saved_path == NULL || !g_file_test (self->saved_path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  file = g_file_new_for_path (self->saved_path);
  list.data = file;
  return gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, &list);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               FmFileRow     *self)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (self));

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

/* The menu is made when first opened: a menu button given its model
 * makes the popover at once, and that was most of a row's cost (218 KiB
 * and 3 ms a row). */
static void
create_menu_cb (GtkMenuButton *button,
                gpointer       user_data)
{
  FmFileRow *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->file_menu);
}

static void
fm_file_row_init (FmFileRow *self)
{
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->menu_button), create_menu_cb, self, NULL);
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}
