/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-view.c: one transfer, its files and what can be done with it
 *
 * Shown next to the Inbox or Outbox list. The list's summary (from
 * sent/get or received/get, which carry no files) fills the header at
 * once; /api/transfer/get brings the files. A transfer protected by a
 * password (4002) asks for it in place. For one's own transfers it
 * forwards, edits, deletes, renames and removes files; each answer is
 * shown (a toast, or the server's sentence) and the owner list is told
 * through "changed" or "deleted" so it can show the server's truth.
 */
#define G_LOG_DOMAIN "fm-transfer-view"


#include <glib/gi18n.h>

#include "fm-edit-dialog.h"
#include "fm-error.h"
#include "fm-file-row.h"
#include "fm-format.h"
#include "fm-transfer-file.h"
#include "fm-qr-dialog.h"
#include "fm-transfer-view-private.h"



G_DEFINE_FINAL_TYPE (FmTransferView, fm_transfer_view, ADW_TYPE_BIN)

enum {
  SIGNAL_CHANGED,
  SIGNAL_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

FmTransfer *
fm_transfer_view_get_transfer (FmTransferView *self)
{
  return self->transfer;
}

const char *
fm_transfer_view_get_state (FmTransferView *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
fm_transfer_view_get_error (FmTransferView *self)
{
  return self->error;
}

GtkWidget *
fm_transfer_view_get_download_all_button (FmTransferView *self)
{
  return self->download_all_button;
}

gboolean
fm_transfer_view_is_busy (FmTransferView *self)
{
  return self->busy > 0 || self->loading;
}

FmClient *
_fm_transfer_view_client (FmTransferView *self)
{
  return fm_session_get_client (self->session);
}

GtkWindow *
_fm_transfer_view_window (FmTransferView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
_fm_transfer_view_toast (FmTransferView *self,
       const char     *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
set_error (FmTransferView *self,
           const GError   *error)
{
  g_free (self->error);
  self->error = error ? fm_error_describe (error) : NULL;
}

/* A failed call: the login ran out → log in again; else the sentence. */
void
_fm_transfer_view_report_failure (FmTransferView *self,
                const GError   *error)
{
  set_error (self, error);
  if (fm_error_is_auth_expired (error))
    fm_session_report_error (self->session, error);
  else
    _fm_transfer_view_toast (self, self->error);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  adw_action_row_set_subtitle (row, escaped);
}

/* ------------------------------------------------------------- header */

static char *
people_text (FmTransferView *self,
             FmTransfer     *t)
{
  const char * const *to = fm_transfer_get_to (t);
  g_autofree char *joined = to && to[0] ? g_strjoinv (", ", (char **) to) : NULL;
  g_autofree char *list = joined ? fm_format_display_text (joined) : NULL;
  g_autofree char *from = fm_transfer_get_from (t) ? fm_format_display_text (fm_transfer_get_from (t)) : NULL;

  /* The API never says whom a transfer went to: only what this computer
   * sent is known, and nothing is said of the rest. */
  if (self->sent && !fm_transfer_get_recipients_known (t))
    return g_strdup ("");
  if (self->sent)
    return list ? g_strdup_printf (_("To %s"), list) : g_strdup (_("Sent as a link only, to nobody"));
  /* received: the sender comes with transfer/get */
  return from != NULL && *from != '\0' ? g_strdup_printf (_("From %s"), from) : g_strdup ("");
}

/* A message keeps its lines; each line is shown as fm_format_display_text()
 * would show it. */
static char *
display_message (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message ? message : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = fm_format_display_text (lines[i]);

      g_free (lines[i]);
      lines[i] = line;
    }
  return g_strjoinv ("\n", lines);
}

/* The job of this computer that sends @t, if any (its own row). */
static FmUploadJob *
find_upload (FmTransferView *self,
             FmTransfer     *t)
{
  GListModel *queue = self->session != NULL ? G_LIST_MODEL (fm_session_get_queue (self->session)) : NULL;

  for (guint i = 0; queue != NULL && i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      if (fm_transfer_id_equal (fm_upload_job_get_transfer_id (job), fm_transfer_get_id (t)))
        return g_steal_pointer (&job);
    }
  return NULL;
}

/* The link row's buttons (Copy, QR code, Open): hidden with no link. */
static void
show_link_buttons (GtkWidget *widget,
                   gboolean   visible)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_actionable_get_action_name (GTK_ACTIONABLE (child)) != NULL)
        gtk_widget_set_visible (child, visible);
      else
        show_link_buttons (child, visible);
    }
}

/* The HIG's one suggested action. For a transfer you sent it is the link:
 * Copy Link, the QR code and the link itself on top, and Forward, Edit,
 * Download All, Open in Browser and Delete in its menu (the link row
 * below would only repeat it). For one you received it is Download All. */
static void
show_actions (FmTransferView *self,
              FmTransfer     *t)
{
  gboolean linked = !self->unfinished && fm_client_url_is_safe_to_open (fm_transfer_get_url (t));
  gboolean link_on_top = self->sent && linked;

  gtk_widget_set_visible (self->copy_link_button, link_on_top);
  gtk_widget_set_visible (self->qr_button, link_on_top);
  gtk_label_set_text (self->link_label, link_on_top ? fm_transfer_get_url (t) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->link_label), link_on_top);
  gtk_widget_set_visible (self->more_button, self->sent);
  gtk_widget_set_visible (self->download_all_button, !self->sent && !self->unfinished);
  gtk_widget_set_visible (GTK_WIDGET (self->link_row), !link_on_top);
  show_link_buttons (GTK_WIDGET (self->link_row), linked);
}

/* An unfinished transfer (not STATUS_COMPLETE: initialized, or replaced by
 * Send Again) has no link anyone can use: no link, QR code, Download,
 * Forward or Edit; Delete stays, and the upload's own row when this
 * computer sends it. A transfer without a known status is taken as the
 * list gave it. */
static void
show_finished (FmTransferView *self,
               FmTransfer     *t)
{
  const char *status = fm_transfer_get_status (t);
  gboolean unfinished = status != NULL && g_ascii_strcasecmp (status, "STATUS_COMPLETE") != 0;
  g_autoptr(FmUploadJob) job = unfinished && self->sent ? find_upload (self, t) : NULL;
  const char *actions[] = { "view.copy-link", "view.open", "view.show-qr", "view.download-all",
                            "view.forward", "view.edit" };

  self->unfinished = unfinished;
  FmSentHistory *history = self->session != NULL
                           ? fm_upload_queue_get_history (fm_session_get_queue (self->session)) : NULL;

  if (unfinished && job != NULL)
    set_subtitle (self->link_row, _("Not finished: still being sent from this computer, no link yet"));
  else if (unfinished && history != NULL && fm_sent_history_is_replaced (history, fm_transfer_get_id (t)))
    set_subtitle (self->link_row, _("Replaced by Send Again: this transfer has no link"));
  else if (unfinished)
    set_subtitle (self->link_row, _("Not finished: this transfer has no link"));
  else if (fm_transfer_get_url (t) != NULL && !fm_client_url_is_safe_to_open (fm_transfer_get_url (t)))
    {
      g_autofree char *sentence = fm_format_refused_link (fm_transfer_get_url (t));

      set_subtitle (self->link_row, sentence);
    }
  else
    set_subtitle (self->link_row, fm_transfer_get_url (t));
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !unfinished);
  /* no web link: shown as text, not copied, drawn or opened */
  if (!unfinished && !fm_client_url_is_safe_to_open (fm_transfer_get_url (t)))
    for (gsize i = 0; i < 3; i++)
      gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], FALSE);
  show_actions (self, t);
  gtk_widget_set_visible (self->show_upload_button, job != NULL);
  g_free (self->upload_id);
  self->upload_id = job != NULL ? g_strdup (fm_upload_job_get_id (job)) : NULL;
}

static void
show_header (FmTransferView *self,
             FmTransfer     *t)
{
  g_autofree char *named = fm_transfer_dup_title (t);
  g_autofree char *title = fm_format_display_text (named);
  g_autofree char *message = display_message (fm_transfer_get_message (t));
  g_autofree char *people = people_text (self, t);
  g_autofree char *sent = fm_format_date (fm_transfer_get_sent_date (t));
  g_autofree char *expires = fm_format_date (fm_transfer_get_expire_date (t));
  g_autofree char *size = fm_format_size (fm_transfer_get_size (t))
                          ?: g_strdup (fm_transfer_get_details_loaded (t) ? _("Unknown") : "");
  g_autofree char *downloads = g_strdup_printf ("%lld", (long long) fm_transfer_get_downloads (t));
  gboolean expired = fm_transfer_is_expired (t, g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *expiry = expired ? g_strdup_printf (_("%s (expired)"), expires) : g_strdup (expires);

  gtk_label_set_text (self->subject_label, *title ? title : _("No subject"));
  gtk_label_set_text (self->people_label, people);
  gtk_widget_set_visible (GTK_WIDGET (self->people_label), *people != '\0');
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), *message != '\0');
  set_subtitle (self->sent_row, sent);
  set_subtitle (self->expires_row, expiry);
  set_subtitle (self->downloads_row, downloads);
  set_subtitle (self->size_row, size);
  gtk_widget_set_visible (GTK_WIDGET (self->downloads_row), self->sent);
  show_finished (self, t);
}

/* -------------------------------------------------------------- files */


/* Download All has saved every file: the button goes insensitive ("All
 * Files Saved") and would take the keyboard focus with it, so the focus
 * goes to the first file's Open; the toast says how many and offers
 * their folder. */
static gboolean
focus_first_open (gpointer data)
{
  g_autoptr(FmTransferView) self = data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || focus == self->download_all_button || !gtk_widget_is_sensitive (focus) ||
      gtk_widget_is_ancestor (focus, self->more_button))
    _fm_transfer_view_focus_first_open (self);
  return G_SOURCE_REMOVE;
}

static void
download_all_done (FmTransferView *self)
{
  guint n = self->download_all_count;

  self->download_all_count = 0;
  /* once the rows have shown their Open buttons */
  g_idle_add (focus_first_open, g_object_ref (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast-files-saved", "(us)", n,
                              fm_session_get_download_folder (self->session));
}

/* Download All says when there is nothing left to download (it used to
 * stay blue and do nothing): "All Files Saved", insensitive. */
static void
update_download_all (FmTransferView *self)
{
  GListModel *files = self->transfer != NULL ? fm_transfer_get_files (self->transfer) : NULL;
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;
  guint saved = 0;
  gboolean all;
  const char *text;

  for (guint i = 0; i < n && self->session != NULL; i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = fm_session_dup_saved_path (self->session, file);

      if (path != NULL)
        saved++;
    }
  all = n > 0 && saved == n;
  if (all && self->download_all_count > 0)
    download_all_done (self);
  text = all ? _("All Files Saved") : _("Download All");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.download-all", !all && !self->unfinished);
  gtk_label_set_text_with_mnemonic (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (self->download_all_button))),
                                    all ? _("All Files Saved") : _("_Download All"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->download_all_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text, -1);
}

static gboolean
download_all_tick (gpointer data)
{
  FmTransferView *self = data;

  self->download_all_tick = 0;
  update_download_all (self);
  return G_SOURCE_REMOVE;
}

/* update_download_all() looks at every file of the transfer: done for
 * each download's every change it would cost a Download All of 10,000
 * files 10,000 × 20,000 lookups. Changes are gathered for a fifth of a
 * second instead (the button and the "saved" toast may wait that long). */
static void
schedule_download_all (FmTransferView *self)
{
  if (self->download_all_tick == 0)
    self->download_all_tick = g_timeout_add (200, download_all_tick, self);
}

/* A download of one of the shown transfer's files: follow its state. */
static void
downloads_changed_cb (GListModel     *downloads,
                      guint           position,
                      guint           removed,
                      guint           added,
                      FmTransferView *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FmDownloadJob) job = g_list_model_get_item (downloads, i);

      g_signal_connect_object (job, "notify::state", G_CALLBACK (schedule_download_all), self, G_CONNECT_SWAPPED);
    }
  schedule_download_all (self);
}

static void
first_frame_cb (GdkFrameClock  *clock,
                FmTransferView *self)
{
  self->shown_at = g_get_monotonic_time ();
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
}

/* Microseconds from transfer/get's answer in hand to the first frame
 * drawn with its files (0 before that frame); for the scale test. */
gint64
fm_transfer_view_get_show_time (FmTransferView *self)
{
  return self->shown_at > self->answered_at ? self->shown_at - self->answered_at : 0;
}

static void
show_transfer (FmTransferView *self,
               FmTransfer     *transfer)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  self->answered_at = g_get_monotonic_time ();
  self->shown_at = 0;
  if (clock != NULL)
    {
      g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_frame_cb), self, 0);
    }
  if (self->transfer != transfer)
    self->download_all_count = 0;
  g_set_object (&self->transfer, transfer);
  show_header (self, transfer);
  _fm_transfer_view_files_show (self, fm_transfer_get_files (transfer));
  gtk_stack_set_visible_child_name (self->stack, "detail");
  update_download_all (self);
}

/* ------------------------------------------------------------ loading */

/* A transfer that is gone says so plainly, without a Try Again that
 * cannot help; a failure that may pass offers it. */
static void
show_error_page (FmTransferView *self,
                 const GError   *error)
{
  g_autofree char *escaped = g_markup_escape_text (self->error, -1);
  gboolean expired = g_error_matches (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED);
  gboolean gone = g_error_matches (error, FM_ERROR, FM_ERROR_NOT_FOUND) ||
                  g_error_matches (error, FM_ERROR, FM_ERROR_FILE_IS_DELETED);

  fm_session_report_error (self->session, error);
  adw_status_page_set_title (self->error_page, expired ? _("This Transfer Has Expired")
                                               : gone ? _("This Transfer Is No Longer There")
                                               : _("Cannot Open the Transfer"));
  adw_status_page_set_icon_name (self->error_page, expired ? "alarm-symbolic"
                                                   : gone ? "user-trash-symbolic" : "network-error-symbolic");
  adw_status_page_set_description (self->error_page, escaped);
  gtk_widget_set_visible (self->error_retry_button, !expired && !gone);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FmTransferView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) transfer = fm_client_transfer_get_finish (FM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  set_error (self, error);
  if (g_error_matches (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED))
    {
      gtk_label_set_text (self->password_error, self->password ? _("That password is not right.") : "");
      gtk_widget_set_visible (GTK_WIDGET (self->password_error), self->password != NULL);
      g_clear_pointer (&self->password, g_free);
      gtk_stack_set_visible_child_name (self->stack, "password");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  if (transfer == NULL)
    {
      show_error_page (self, error);
      return;
    }
  if (self->remembered && fm_session_get_link_history (self->session) != NULL)
    fm_link_history_update (fm_session_get_link_history (self->session),
                            fm_client_get_base_url (_fm_transfer_view_client (self)), transfer, NULL);
  /* transfer/get completes the list's item (its answer has no subject):
   * the row in the list learns the size and sender too */
  fm_transfer_merge_details (self->summary, transfer);
  show_transfer (self, self->summary);
}

void
fm_transfer_view_reload (FmTransferView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  if (self->summary == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  if (self->transfer == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  fm_client_transfer_get_async (_fm_transfer_view_client (self), fm_transfer_get_id (self->summary), self->password,
                                self->cancellable, loaded_cb, g_object_ref (self));
}

void
fm_transfer_view_show (FmTransferView *self,
                       FmTransfer     *summary)
{
  /* the same transfer from a refreshed list: the new item learns what
   * transfer/get said (files, size, sender), and the header shows the
   * list's word on the rest (a subject edited meanwhile) */
  if (summary != NULL && self->summary != NULL &&
      fm_transfer_id_equal (fm_transfer_get_id (summary), fm_transfer_get_id (self->summary)))
    {
      if (summary != self->summary && self->transfer != NULL && fm_transfer_get_details_loaded (self->transfer))
        {
          g_autofree char *subject = g_strdup (fm_transfer_get_subject (summary));

          fm_transfer_merge_details (summary, self->transfer);
          fm_transfer_set_subject (summary, subject);
          g_set_object (&self->summary, summary);
          show_transfer (self, summary);
          return;
        }
      g_set_object (&self->summary, summary);
      return;
    }
  g_set_object (&self->summary, summary);
  g_clear_object (&self->transfer);
  g_clear_pointer (&self->password, g_free);
  set_error (self, NULL);
  _fm_transfer_view_files_show (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  if (summary != NULL)
    show_header (self, summary);
  fm_transfer_view_reload (self);
}

void
fm_transfer_view_unlock (FmTransferView *self,
                         const char     *password)
{
  if (password == NULL || *password == '\0')
    return;
  g_free (self->password);
  self->password = g_strdup (password);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  fm_transfer_view_reload (self);
}

static void
unlock_clicked_cb (FmTransferView *self)
{
  fm_transfer_view_unlock (self, gtk_editable_get_text (GTK_EDITABLE (self->password_entry)));
}

/* --------------------------------------------------- server operations */


static void
operation_free (Operation *op)
{
  g_object_unref (op->view);
  g_object_unref (op->transfer);
  g_free (op->done_message);
  g_free (op->forwarded_to);
  g_free (op->new_subject);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

Operation *
_fm_transfer_view_operation_start (FmTransferView *self,
                 FinishFunc      finish,
                 const char     *done_message,
                 gboolean        deletes)
{
  Operation *op = g_new0 (Operation, 1);

  op->view = g_object_ref (self);
  op->transfer = g_object_ref (self->summary);
  op->finish = finish;
  op->done_message = g_strdup (done_message);
  op->deleted = deletes;
  self->busy++;
  return op;
}

/* Every operation's answer is a boolean _finish. The view then fetches the transfer again (the server's word on
 * names, files, expiry) and tells the list. */
/* Still showing @t (a refreshed list hands in new objects: by id)? */
static gboolean
showing (FmTransferView *self,
         FmTransfer     *t)
{
  return self->summary != NULL && fm_transfer_id_equal (fm_transfer_get_id (self->summary), fm_transfer_get_id (t));
}

/* A transfer sent from this computer gains the forwarded recipients (the
 * server adds them too, and never says so); one sent from elsewhere stays
 * unknown. */
static void
remember_forward (FmTransferView *self,
                  FmTransfer     *transfer,
                  const char     *to)
{
  FmSentHistory *history = fm_upload_queue_get_history (fm_session_get_queue (self->session));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) known = NULL;

  if (history == NULL)
    return;
  if (!fm_sent_history_add_recipients (history, fm_transfer_get_id (transfer), to, &error))
    g_warning ("%s", error->message);
  known = fm_sent_history_lookup (history, fm_transfer_get_id (transfer));
  if (known != NULL)
    fm_transfer_set_recipients (transfer, (const char * const *) known);
}

void
_fm_transfer_view_operation_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  FmTransferView *self = op->view;
  g_autoptr(GError) error = NULL;

  self->busy--;
  if (!op->finish (FM_CLIENT (source), result, &error) &&
      g_error_matches (error, FM_ERROR, FM_ERROR_ZIP_NOT_UPDATED))
    {
      /* the file is gone; the ZIP may still hold it: say so, with Try Again */
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast-retry-zip", "(ss)",
                                  fm_error_human_message (error), fm_transfer_get_id (op->transfer));
      if (showing (self, op->transfer))
        fm_transfer_view_reload (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, op->transfer);
      return;
    }
  if (error != NULL)
    {
      _fm_transfer_view_report_failure (self, error);
      return;
    }
  set_error (self, NULL);
  _fm_transfer_view_toast (self, op->done_message);
  if (op->forwarded_to != NULL)
    remember_forward (self, op->transfer, op->forwarded_to);
  if (op->new_subject != NULL)
    fm_transfer_set_subject (op->transfer, op->new_subject);
  if (op->deleted)
    {
      if (showing (self, op->transfer))
        fm_transfer_view_show (self, NULL);
      g_signal_emit (self, signals[SIGNAL_DELETED], 0, op->transfer);
      return;
    }
  if (showing (self, op->transfer))
    fm_transfer_view_reload (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, op->transfer);
}

void
fm_transfer_view_forward (FmTransferView *self,
                          const char     *to)
{
  g_autofree char *message = g_strdup_printf (_("Forwarded to %s"), to);
  Operation *op = _fm_transfer_view_operation_start (self, fm_client_transfer_forward_finish, message, FALSE);

  op->forwarded_to = g_strdup (to);
  fm_client_transfer_forward_async (_fm_transfer_view_client (self), fm_transfer_get_id (self->summary), to, NULL,
                                    _fm_transfer_view_operation_done_cb, op);
}

/* ------------------------------------------------------ link, download */

static void
copy_link_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);

  if (self->summary == NULL || fm_transfer_get_url (self->summary) == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), fm_transfer_get_url (self->summary));
  _fm_transfer_view_toast (self, _("Link copied"));
}

static void
show_upload_view_action (GtkWidget  *widget,
                         const char *name,
                         GVariant   *param)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);

  if (self->upload_id != NULL)
    gtk_widget_activate_action (widget, "win.show-upload", "s", self->upload_id);
}

static void
show_qr_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->summary == NULL || fm_transfer_get_url (self->summary) == NULL)
    return;
  gtk_window_present (GTK_WINDOW (fm_qr_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    fm_transfer_get_url (self->summary))));
}

static void
open_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);

  const char *url = self->summary != NULL ? fm_transfer_get_url (self->summary) : NULL;

  if (url == NULL)
    return;
  if (!fm_client_url_is_safe_to_open (url))
    {
      _fm_transfer_view_toast (self, _("This transfer’s link is not a secure web address, so it was not opened."));
      return;
    }
  gtk_show_uri (_fm_transfer_view_window (self), url, GDK_CURRENT_TIME);
}

/* ----------------------------------------------------------- GObject */

void
fm_transfer_view_setup (FmTransferView *self,
                        FmSession      *session,
                        gboolean        sent)
{
  g_set_object (&self->session, session);
  g_signal_connect_object (fm_session_get_downloads (session), "items-changed",
                           G_CALLBACK (downloads_changed_cb), self, 0);
  self->sent = sent;
}

/* The Links list's view: what was opened by link is kept up to date on
 * this computer, and can be forgotten. */
void
fm_transfer_view_set_remembered (FmTransferView *self,
                                 gboolean        remembered)
{
  self->remembered = remembered;
  gtk_widget_set_visible (self->forget_button, remembered);
  gtk_widget_set_visible (self->error_forget_button, remembered);
}

static void
fm_transfer_view_dispose (GObject *object)
{
  FmTransferView *self = FM_TRANSFER_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->download_all_tick, g_source_remove);
  _fm_transfer_view_files_dispose (self);
  g_clear_object (&self->summary);
  g_clear_object (&self->transfer);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_TRANSFER_VIEW);
  G_OBJECT_CLASS (fm_transfer_view_parent_class)->dispose (object);
}

static void
fm_transfer_view_finalize (GObject *object)
{
  FmTransferView *self = FM_TRANSFER_VIEW (object);

  g_free (self->password);
  g_free (self->error);
  g_free (self->upload_id);
  G_OBJECT_CLASS (fm_transfer_view_parent_class)->finalize (object);
}

static void
fm_transfer_view_class_init (FmTransferViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_transfer_view_dispose;
  object_class->finalize = fm_transfer_view_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, FM_TYPE_TRANSFER);
  signals[SIGNAL_DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, FM_TYPE_TRANSFER);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-transfer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, stack);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, error_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, error_forget_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, forget_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, password_entry);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, password_error);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, people_label);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, message_label);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, copy_link_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, qr_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, more_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, link_label);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, download_all_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, show_upload_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, sent_row);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, expires_row);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, downloads_row);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, size_row);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, link_row);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, files_list);
  gtk_widget_class_bind_template_child (widget_class, FmTransferView, files_scroller);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, fm_transfer_view_reload);
  gtk_widget_class_install_action (widget_class, "view.copy-link", NULL, copy_link_action);
  gtk_widget_class_install_action (widget_class, "view.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "view.show-qr", NULL, show_qr_action);
  gtk_widget_class_install_action (widget_class, "view.download-all", NULL, _fm_transfer_view_download_all_action);
  gtk_widget_class_install_action (widget_class, "view.show-upload", NULL, show_upload_view_action);
  gtk_widget_class_install_action (widget_class, "view.forward", NULL, _fm_transfer_view_forward_action);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, _fm_transfer_view_edit_action);
  gtk_widget_class_install_action (widget_class, "view.delete", NULL, _fm_transfer_view_delete_action);
  gtk_widget_class_install_action (widget_class, "view.forget", NULL, _fm_transfer_view_forget_action);
}

static void
fm_transfer_view_init (FmTransferView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _fm_transfer_view_files_init (self);
}
