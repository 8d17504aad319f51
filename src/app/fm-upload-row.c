/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-row.c: one transfer of the queue, live */
#define G_LOG_DOMAIN "fm-upload-row"

#include <math.h>

#include <string.h>

#include <glib/gi18n.h>

#include "fm-error.h"
#include "fm-format.h"
#include "fm-qr-dialog.h"
#include "fm-upload-row.h"
#include "fm-window.h"

struct _FmUploadRow
{
  GtkListBoxRow   parent_instance;

  FmUploadJob    *job;
  FmUploadQueue  *queue;
  char           *status;

  GtkLabel       *title_label;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkWidget      *pause_button;
  GtkWidget      *resume_button;
  GtkWidget      *retry_button;
  GtkWidget      *send_again_button;
  GtkWidget      *cancel_button;
  GtkWidget      *remove_button;
  GtkWidget      *link_box;
  GtkLabel       *link_label;
  int             named_state;  /* the state (| 0x100 if held) the accessible name says; -1: none yet */
  char           *name;         /* that name */
  gint64          texted_at;    /* when the status words were last set (monotonic µs) */
  gint64          moved_at;     /* and the bar */
  guint           wait_tick;    /* once a second while the job moves: a retry's countdown */
};

G_DEFINE_FINAL_TYPE (FmUploadRow, fm_upload_row, GTK_TYPE_LIST_BOX_ROW)

static char *
status_text (FmUploadJob *job)
{
  const GError *error = fm_upload_job_get_error (job);
  guint wait = fm_upload_job_get_retry_wait (job);

  switch (fm_upload_job_get_state (job))
    {
    case FM_UPLOAD_STATE_QUEUED: return g_strdup (_("Waiting to start"));
    case FM_UPLOAD_STATE_INITIALIZING:
    case FM_UPLOAD_STATE_COMPLETING:
      /* a call that failed and waits to go again says so at once, not
       * "Preparing…" for the minutes the retries take */
      if (wait > 0)
        return g_strdup_printf (_("Cannot reach the server — retrying in %u s"), wait);
      return g_strdup (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_INITIALIZING ? _("Preparing…")
                                                                                    : _("Finishing…"));
    case FM_UPLOAD_STATE_PAUSED:
      if (fm_upload_job_get_unconfirmed (job))
        {
          const char *to = fm_upload_job_get_options (job)->to;
          g_autofree char *recipients = fm_format_display_text (to != NULL && *to != '\0' ? to : _("a link only"));

          /* a saved upload this computer's Filemail did not save: shown,
           * never sent by itself (Resume sends it, Cancel drops it) */
          return g_strdup_printf (_("Not started here — check it, then Resume sends it to %s"), recipients);
        }
      return g_strdup (fm_upload_job_get_held (job) ? _("Waiting for a connection that is not metered")
                                                    : _("Paused"));
    case FM_UPLOAD_STATE_WAITING_FOR_NETWORK: return g_strdup (_("Waiting for the network…"));
    case FM_UPLOAD_STATE_DONE:
      {
        /* to whom, and how much: "Sent to carol@example.com · 300 MB" */
        const char *to = fm_upload_job_get_options (job)->to;
        g_autofree char *recipients = to != NULL && *to != '\0' ? fm_format_display_text (to) : NULL;
        g_autofree char *size = fm_format_size (fm_upload_job_get_bytes_total (job));

        if (recipients != NULL)
          return g_strdup_printf (_("Sent to %s · %s"), recipients, size != NULL ? size : "");
        return g_strdup_printf (_("Sent as a link · %s"), size != NULL ? size : "");
      }
    case FM_UPLOAD_STATE_CANCELLED: return g_strdup (_("Cancelled"));
    case FM_UPLOAD_STATE_FAILED:
      return g_strdup_printf (_("Failed: %s"), error != NULL ? error->message : _("unknown error"));
    case FM_UPLOAD_STATE_UPLOADING:
    default:
      if (wait > 0)
        return g_strdup_printf (g_dngettext (NULL, "Retrying in %u second…", "Retrying in %u seconds…", wait), wait);
      return fm_format_progress (fm_upload_job_get_bytes_sent (job), fm_upload_job_get_bytes_total (job),
                                 fm_upload_job_get_speed (job), fm_upload_job_get_eta (job));
    }
}

/* What a screen reader says on the row: "Holiday photos, Sending". Named
 * again when the state changes, not on every progress tick (the bar
 * carries the value). */
static void
name_row (FmUploadRow   *self,
          const char    *title,
          FmUploadState  state)
{
  /* held (waiting for a connection that is not metered) is a state of
   * its own to a listener, though the job stays paused */
  int named = (int) state | (fm_upload_job_get_held (self->job) ? 0x100 : 0) |
              (fm_upload_job_get_unconfirmed (self->job) ? 0x200 : 0);

  if (named == self->named_state)
    return;
  self->named_state = named;
  g_free (self->name);
  self->name = g_strdup_printf ("%s, %s", title, state == FM_UPLOAD_STATE_UPLOADING ? _("Sending") : self->status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, self->name, -1);
}

/* What a screen reader says on the row (GTK 4.8 has no getter: tests). */
const char *
fm_upload_row_get_accessible_name (FmUploadRow *self)
{
  return self->name;
}

/* The link, with Copy, QR code and Open; or, when the server gave no web
 * link, what it gave as text with a sentence and none of the buttons. */
static void
show_link (FmUploadRow *self)
{
  const char *refused = fm_upload_job_get_refused_link (self->job);
  const char *url = fm_upload_job_get_download_url (self->job);
  gboolean is_link = refused == NULL && url != NULL && *url != '\0';
  g_autofree char *sentence = refused != NULL ? fm_format_refused_link (refused) : NULL;

  gtk_label_set_label (self->link_label, sentence != NULL ? sentence : url);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->link_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      gtk_widget_set_visible (child, is_link);
}

static void
update (FmUploadRow *self)
{
  FmUploadState state = fm_upload_job_get_state (self->job);
  gboolean active = fm_upload_state_is_active (state) || state == FM_UPLOAD_STATE_QUEUED;
  g_autofree char *title = fm_upload_job_dup_title (self->job);

  self->texted_at = self->moved_at = g_get_monotonic_time ();
  g_free (self->status);
  self->status = status_text (self->job);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->status_label, self->status);
  gtk_progress_bar_set_fraction (self->progress_bar, fm_upload_job_get_fraction (self->job));
  /* done, or gone for good: no bar to fill */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state != FM_UPLOAD_STATE_DONE &&
                                                           !fm_upload_job_needs_new_transfer (self->job));
  gtk_widget_set_visible (self->pause_button, active);
  gtk_widget_set_visible (self->resume_button, state == FM_UPLOAD_STATE_PAUSED);
  /* a transfer the server no longer knows (or a file that changed under
   * it) is not retried but sent again, as a new transfer */
  gtk_widget_set_visible (self->retry_button, state == FM_UPLOAD_STATE_FAILED &&
                                              !fm_upload_job_needs_new_transfer (self->job));
  gtk_widget_set_visible (self->send_again_button, fm_upload_job_needs_new_transfer (self->job) &&
                                                   fm_upload_job_get_sources (self->job) != NULL);
  gtk_widget_set_visible (self->cancel_button, active || state == FM_UPLOAD_STATE_PAUSED ||
                                               state == FM_UPLOAD_STATE_FAILED);
  gtk_widget_set_visible (self->remove_button, state == FM_UPLOAD_STATE_DONE ||
                                               state == FM_UPLOAD_STATE_CANCELLED);
  gtk_widget_set_visible (self->link_box, state == FM_UPLOAD_STATE_DONE);
  show_link (self);
  /* a failure in full contrast: red on a dimmed caption was ~2.5:1 */
  /* the technical detail of a failure told in plain words: on hover */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                               state == FM_UPLOAD_STATE_FAILED ? fm_error_get_detail (fm_upload_job_get_error (self->job))
                                                               : NULL);
  if (state == FM_UPLOAD_STATE_FAILED)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
  name_row (self, title, state);
}

FmUploadJob *
fm_upload_row_get_job (FmUploadRow *self)
{
  return self->job;
}

const char *
fm_upload_row_get_status (FmUploadRow *self)
{
  return self->status;
}

static void
toast (FmUploadRow *self,
       const char  *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
pause_clicked_cb (FmUploadRow *self)
{
  fm_upload_job_pause (self->job);
}

static void
resume_clicked_cb (FmUploadRow *self)
{
  fm_upload_job_resume (self->job);
}

static void
retry_clicked_cb (FmUploadRow *self)
{
  fm_upload_job_retry (self->job);
}

/* The row leaves the list as the new job takes its place: the toast and
 * the focus go through the list, which stays. */
static void
send_again (FmUploadRow *self,
            const char  *password)
{
  g_autoptr(GtkWidget) list = g_object_ref (gtk_widget_get_parent (GTK_WIDGET (self)));
  g_autofree char *title = fm_upload_job_dup_title (self->job);
  g_autofree char *message = g_strdup_printf (_("Sending “%s” again"), title);
  FmUploadJob *again = fm_upload_queue_send_again (self->queue, self->job, password);

  if (again == NULL)
    return;
  gtk_widget_activate_action (list, "win.toast", "s", message);
  gtk_widget_activate_action (list, "send.show-upload", "s", fm_upload_job_get_id (again));
}

static void
password_changed_cb (AdwMessageDialog *dialog,
                     GParamSpec       *pspec,
                     GtkEditable      *entry)
{
  adw_message_dialog_set_response_enabled (dialog, "send", *gtk_editable_get_text (entry) != '\0');
}

static void
password_activated_cb (AdwMessageDialog *dialog,
                       GtkEditable      *entry)
{
  if (*gtk_editable_get_text (entry) != '\0')
    adw_message_dialog_response (dialog, "send");
}

static void
password_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      FmUploadRow      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "password-row");

  if (g_str_equal (response, "send") && *gtk_editable_get_text (entry) != '\0')
    send_again (self, gtk_editable_get_text (entry));
  gtk_editable_set_text (entry, "");
}

/* The first transfer's password was forgotten the moment it existed (it
 * never lies on disk longer): the new one asks for it. */
static void
ask_password (FmUploadRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *title = fm_upload_job_dup_title (self->job);
  g_autofree char *body = g_strdup_printf (_("“%s” was protected by a password. Type it again for the new transfer."),
                                           title);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Send Again?"), body));
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *entry = adw_password_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("Password"));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), entry);
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "send", _("_Send Again"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "send", FALSE);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "password-row", entry);
  g_signal_connect_swapped (entry, "notify::text", G_CALLBACK (password_changed_cb), dialog);
  g_signal_connect_swapped (entry, "entry-activated", G_CALLBACK (password_activated_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (password_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
send_again_clicked_cb (FmUploadRow *self)
{
  if (fm_upload_job_had_password (self->job))
    ask_password (self);
  else
    send_again (self, NULL);
}

typedef struct {
  FmUploadQueue *queue;
  FmUploadJob   *job;
  guint          position;
} Removed;

static void
removed_free (gpointer data,
              GClosure *closure)
{
  Removed *removed = data;

  g_object_unref (removed->queue);
  g_object_unref (removed->job);
  g_free (removed);
}

static void
undo_remove_cb (AdwToast *toast,
                Removed  *removed)
{
  fm_upload_queue_put_back (removed->queue, removed->job, removed->position);
}

/* Remove From List at once, with Undo in the toast: the row's link may
 * still be wanted. */
static void
remove_clicked_cb (FmUploadRow *self)
{
  g_autofree char *title = fm_upload_job_dup_title (self->job);
  g_autofree char *message = g_strdup_printf (_("“%s” removed from the list"), title);
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Removed *removed = g_new0 (Removed, 1);
  AdwToast *toast = adw_toast_new (escaped);

  removed->queue = g_object_ref (self->queue);
  removed->job = g_object_ref (self->job);
  removed->position = G_MAXUINT;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->queue)); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);

      if (job == self->job)
        {
          removed->position = i;
          break;
        }
    }
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_remove_cb), removed, removed_free, 0);
  fm_upload_queue_remove (self->queue, self->job);
  if (FM_IS_WINDOW (root))
    fm_window_add_toast (FM_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
copy_clicked_cb (FmUploadRow *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          fm_upload_job_get_download_url (self->job));
  toast (self, _("Link copied"));
}

static void
open_clicked_cb (FmUploadRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *url = fm_upload_job_get_download_url (self->job);

  if (!fm_client_url_is_safe_to_open (url))
    {
      toast (self, _("This transfer’s link is not a secure web address, so it was not opened."));
      return;
    }
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, url, GDK_CURRENT_TIME);
}

static void
qr_clicked_cb (FmUploadRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *url = fm_upload_job_get_download_url (self->job);

  if (url != NULL)
    gtk_window_present (GTK_WINDOW (fm_qr_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, url)));
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FmUploadRow      *self)
{
  if (g_str_equal (response, "cancel-transfer"))
    fm_upload_job_cancel (self->job);
}

/* Cancelling throws away what was sent: ask first. */
static void
cancel_clicked_cb (FmUploadRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *title = fm_upload_job_dup_title (self->job);
  g_autofree char *body = g_strdup_printf (_("What was sent of “%s” is deleted and no link is made."), title);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                                         _("Cancel This Transfer?"), body));

  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Sending"),
                                    "cancel-transfer", _("_Cancel Transfer"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel-transfer", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void sync_wait_tick (FmUploadRow *self);

static void
state_changed_cb (FmUploadRow *self)
{
  FmUploadState state = fm_upload_job_get_state (self->job);

  update (self);
  sync_wait_tick (self);
  if (state == FM_UPLOAD_STATE_DONE)
    {
      g_autofree char *title = fm_upload_job_dup_title (self->job);
      g_autofree char *message = g_strdup_printf (_("Sent “%s”"), title);
      toast (self, message);
    }
}

static void
fm_upload_row_dispose (GObject *object)
{
  FmUploadRow *self = FM_UPLOAD_ROW (object);

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_handle_id (&self->wait_tick, g_source_remove);
  g_clear_object (&self->job);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->name, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_UPLOAD_ROW);
  G_OBJECT_CLASS (fm_upload_row_parent_class)->dispose (object);
}

static void
fm_upload_row_class_init (FmUploadRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fm_upload_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-upload-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, send_again_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, link_box);
  gtk_widget_class_bind_template_child (widget_class, FmUploadRow, link_label);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, resume_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_again_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, qr_clicked_cb);
}

/* A sent transfer is dragged out as its link: text/uri-list for what
 * takes addresses (a browser, a mail's body), text for a chat. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 FmUploadRow   *self)
{
  const char *url = fm_upload_job_get_download_url (self->job);
  g_autofree char *uri_list = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkContentProvider *providers[2];

  if (fm_upload_job_get_state (self->job) != FM_UPLOAD_STATE_DONE || url == NULL || *url == '\0' ||
      fm_upload_job_get_refused_link (self->job) != NULL)
    return NULL;
  uri_list = g_strconcat (url, "\r\n", NULL);
  bytes = g_bytes_new (uri_list, strlen (uri_list));
  providers[0] = gdk_content_provider_new_for_bytes ("text/uri-list", bytes);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_STRING, url);
  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
fm_upload_row_init (FmUploadRow *self)
{
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->named_state = -1;
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY | GDK_ACTION_LINK);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

static gboolean
wait_tick_cb (gpointer data)
{
  FmUploadRow *self = data;

  update (self);
  return G_SOURCE_CONTINUE;
}

/* The countdown ticks only while the job moves: a finished, paused or
 * failed row does not wake the program once a second. */
static void
sync_wait_tick (FmUploadRow *self)
{
  gboolean active = fm_upload_state_is_active (fm_upload_job_get_state (self->job));

  if (active && self->wait_tick == 0)
    self->wait_tick = g_timeout_add_seconds (1, wait_tick_cb, self);
  else if (!active)
    g_clear_handle_id (&self->wait_tick, g_source_remove);
}

/* The job notifies its bytes ten times a second; the bar moves four times
 * a second and the words under it ("12 MB of 1 GB · 3 MB/s · 5 min left")
 * once. Each move lays the window out again (on X11 with a round trip
 * for the work area), repaints, and tells the accessibility bus over
 * D-Bus: at ten a second, for two rows, that cost several times the CPU of
 * the upload itself (tests/bench/bench-gui-upload.sh with
 * FM_BENCH_UPLOAD_LIMIT). Every other change shows at once. */
static void
progress_cb (FmUploadRow *self)
{
  gint64 now = g_get_monotonic_time ();
  double fraction = fm_upload_job_get_fraction (self->job);

  if (now - self->texted_at >= G_USEC_PER_SEC)
    {
      update (self);
      return;
    }
  if (now - self->moved_at >= G_USEC_PER_SEC / 4 &&
      fabs (fraction - gtk_progress_bar_get_fraction (self->progress_bar)) >= 0.001)
    {
      self->moved_at = now;
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
    }
}

FmUploadRow *
fm_upload_row_new (FmUploadJob   *job,
                   FmUploadQueue *queue)
{
  FmUploadRow *self = g_object_new (FM_TYPE_UPLOAD_ROW, NULL);

  self->job = g_object_ref (job);
  self->queue = g_object_ref (queue);
  g_signal_connect_swapped (job, "notify::bytes-sent", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (job, "notify::error", G_CALLBACK (update), self);
  g_signal_connect_swapped (job, "notify::n-files", G_CALLBACK (update), self);
  g_signal_connect_swapped (job, "notify::retry-wait", G_CALLBACK (update), self);
  g_signal_connect_swapped (job, "notify::held", G_CALLBACK (update), self);
  g_signal_connect_swapped (job, "notify::unconfirmed", G_CALLBACK (update), self);
  g_signal_connect_swapped (job, "notify::state", G_CALLBACK (state_changed_cb), self);
  /* a retry's wait changes nothing the job notifies: count it down here */
  sync_wait_tick (self);
  update (self);
  return self;
}
