/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-notifier.c: what the app tells the desktop while nobody looks */
#define G_LOG_DOMAIN "fm-notifier"

#include <glib/gi18n.h>

#include "fm-client.h"
#include "fm-format.h"
#include "fm-notifier.h"

struct _FmNotifier
{
  GObject         parent_instance;

  GtkApplication *application;   /* weak: the application owns this */
  FmSession      *session;
  FmAutomation   *automation;    /* weak: whose transfers wait for Download or Skip */
};

G_DEFINE_FINAL_TYPE (FmNotifier, fm_notifier, G_TYPE_OBJECT)

static gboolean
nobody_looks (FmNotifier *self)
{
  GtkWindow *window = gtk_application_get_active_window (self->application);

  return window == NULL || !gtk_window_is_active (window) || !gtk_widget_get_mapped (GTK_WIDGET (window));
}

static char *
failed_id (FmUploadJob *job)
{
  return g_strconcat ("failed-", fm_upload_job_get_id (job), NULL);
}

static void
notify_sent (FmNotifier  *self,
             FmUploadJob *job)
{
  g_autoptr(GNotification) notification = g_notification_new (_("Transfer sent"));
  g_autofree char *raw = fm_upload_job_dup_title (job);
  g_autofree char *title = fm_format_display_text (raw);
  const char *url = fm_upload_job_get_download_url (job);
  g_autofree char *refused = fm_upload_job_get_refused_link (job) != NULL
                             ? fm_format_refused_link (fm_upload_job_get_refused_link (job)) : NULL;
  g_autofree char *body = refused != NULL ? g_strdup_printf (_("“%s” is sent. %s"), title, refused)
                                          : g_strdup_printf (_("“%s” is sent. Its link: %s"), title, url);

  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.activate");
  if (url != NULL && *url != '\0')
    g_notification_add_button_with_target (notification, _("Copy Link"), "app.copy-link", "s",
                                           fm_upload_job_get_download_url (job));
  g_application_send_notification (G_APPLICATION (self->application), fm_upload_job_get_id (job), notification);
}

static void
notify_failed (FmNotifier  *self,
               FmUploadJob *job)
{
  g_autoptr(GNotification) notification = g_notification_new (_("Transfer not sent"));
  g_autofree char *raw = fm_upload_job_dup_title (job);
  g_autofree char *title = fm_format_display_text (raw);
  const GError *error = fm_upload_job_get_error (job);
  g_autofree char *reason = fm_format_display_text (error != NULL ? error->message : "");
  g_autofree char *body = g_strdup_printf (_("“%s” could not be sent. %s"), title, reason);
  g_autofree char *id = failed_id (job);

  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.activate");
  if (!fm_upload_job_needs_new_transfer (job))
    g_notification_add_button_with_target (notification, _("Retry"), "app.retry-upload", "s",
                                           fm_upload_job_get_id (job));
  /* a password to ask again needs the window */
  else if (fm_upload_job_get_sources (job) != NULL && !fm_upload_job_had_password (job))
    g_notification_add_button_with_target (notification, _("Send Again"), "app.send-again-upload", "s",
                                           fm_upload_job_get_id (job));
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
job_state_cb (FmUploadJob *job,
              GParamSpec  *pspec,
              FmNotifier  *self)
{
  FmUploadState state = fm_upload_job_get_state (job);
  g_autofree char *id = failed_id (job);

  if (self->application == NULL)
    return;
  /* going again: the failure is old news */
  g_application_withdraw_notification (G_APPLICATION (self->application), id);
  if (!nobody_looks (self))
    return;
  if (state == FM_UPLOAD_STATE_DONE)
    notify_sent (self, job);
  else if (state == FM_UPLOAD_STATE_FAILED)
    notify_failed (self, job);
}

static void
queue_changed_cb (GListModel *queue,
                  guint       position,
                  guint       removed,
                  guint       added,
                  FmNotifier *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      g_signal_connect_object (job, "notify::state", G_CALLBACK (job_state_cb), self, 0);
    }
}

/* ----------------------------------------------------------- arrivals */

/* "“Holiday” from bob@example.com", or "“Holiday”" when the sender is not
 * known (the received list does not carry it; transfer/get does). */
static char *
describe_transfer (FmTransfer *transfer)
{
  g_autofree char *subject = fm_format_display_text (fm_transfer_get_subject (transfer));
  g_autofree char *from = fm_format_display_text (fm_transfer_get_from (transfer));
  g_autofree char *quoted = g_strdup_printf (_("“%s”"), *subject ? subject : _("No subject"));

  /* known by its id alone (a transfer found by an earlier run) */
  if (*subject == '\0' && *from == '\0')
    return g_strdup (_("A transfer"));
  if (*from == '\0')
    return g_steal_pointer (&quoted);
  /* TRANSLATORS: "“Holiday” from bob@example.com" */
  return g_strdup_printf (_("%s from %s"), quoted, from);
}

static void
received_cb (FmAutomation *automation,
             FmTransfer   *transfer,
             FmNotifier   *self)
{
  g_autoptr(GNotification) notification = g_notification_new (_("New transfer received"));
  g_autofree char *body = describe_transfer (transfer);
  g_autofree char *id = g_strconcat ("arrived-", fm_transfer_get_id (transfer), NULL);

  /* with automatic downloads, "Files arrived" says it once they are in */
  if (self->application == NULL || fm_automation_get_auto_download (automation))
    return;
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-inbox");
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
arrived_cb (FmAutomation *automation,
            FmTransfer   *transfer,
            const char   *folder,
            guint         saved,
            guint         failed,
            FmNotifier   *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *what = describe_transfer (transfer);
  g_autofree char *place = g_filename_display_basename (folder);
  g_autofree char *files = g_strdup_printf (g_dngettext (NULL, "%u file", "%u files", saved), saved);
  g_autofree char *body = NULL;
  g_autofree char *id = g_strconcat ("arrived-", fm_transfer_get_id (transfer), NULL);

  if (self->application == NULL)
    return;
  if (failed == 0)
    {
      notification = g_notification_new (_("Files arrived"));
      /* TRANSLATORS: "“Holiday” from bob@example.com: 3 files in “Holiday”" */
      body = g_strdup_printf (_("%s: %s in “%s”"), what, files, place);
    }
  else
    {
      notification = g_notification_new (_("Some files did not arrive"));
      body = g_strdup_printf (g_dngettext (NULL, "%s: %u file could not be downloaded; try it from the Inbox.",
                                           "%s: %u files could not be downloaded; try them from the Inbox.",
                                           failed), what, failed);
    }
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-inbox");
  if (saved > 0)
    g_notification_add_button_with_target (notification, _("Open Folder"), "app.open-folder", "s", folder);
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
skipped_cb (FmAutomation *automation,
            FmTransfer   *transfer,
            FmNotifier   *self)
{
  g_autoptr(GNotification) notification = g_notification_new (_("A transfer needs its password"));
  g_autofree char *what = describe_transfer (transfer);
  g_autofree char *body = g_strdup_printf (_("%s is protected by a password, so it was not downloaded. "
                                             "Open it in the Inbox."), what);
  g_autofree char *id = g_strconcat ("arrived-", fm_transfer_get_id (transfer), NULL);

  if (self->application == NULL)
    return;
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-inbox");
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

/* Larger than the limit for automatic downloads: the user decides. */
static void
too_large_cb (FmAutomation *automation,
              FmTransfer   *transfer,
              gint64        size,
              FmNotifier   *self)
{
  g_autoptr(GNotification) notification = g_notification_new (_("A large transfer arrived"));
  g_autofree char *what = describe_transfer (transfer);
  g_autofree char *bytes = fm_format_size (size);
  g_autofree char *body = g_strdup_printf (_("%s is %s: more than is downloaded without asking."), what, bytes);
  g_autofree char *id = g_strconcat ("arrived-", fm_transfer_get_id (transfer), NULL);

  if (self->application == NULL)
    return;
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-inbox");
  g_notification_add_button_with_target (notification, _("Download"), "app.download-arrival", "s",
                                         fm_transfer_get_id (transfer));
  g_notification_add_button_with_target (notification, _("Skip"), "app.skip-arrival", "s",
                                         fm_transfer_get_id (transfer));
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

/* Would not fit the disk: said, not half downloaded. */
static void
no_room_cb (FmAutomation *automation,
            FmTransfer   *transfer,
            const char   *sentence,
            FmNotifier   *self)
{
  g_autoptr(GNotification) notification = g_notification_new (_("A transfer was not downloaded"));
  g_autofree char *what = describe_transfer (transfer);
  g_autofree char *body = g_strdup_printf (_("%s: %s"), what, sentence);
  g_autofree char *id = g_strconcat ("arrived-", fm_transfer_get_id (transfer), NULL);

  if (self->application == NULL)
    return;
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-inbox");
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

/* What arrives: told of, or told of once downloaded. */
void
fm_notifier_watch_automation (FmNotifier   *self,
                              FmAutomation *automation)
{
  g_set_weak_pointer (&self->automation, automation);
  g_signal_connect_object (automation, "too-large", G_CALLBACK (too_large_cb), self, 0);
  g_signal_connect_object (automation, "no-room", G_CALLBACK (no_room_cb), self, 0);
  g_signal_connect_object (automation, "received", G_CALLBACK (received_cb), self, 0);
  g_signal_connect_object (automation, "arrived", G_CALLBACK (arrived_cb), self, 0);
  g_signal_connect_object (automation, "skipped", G_CALLBACK (skipped_cb), self, 0);
}

/* ------------------------------------------------------------ actions */

static void
copy_link_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  const char *url = g_variant_get_string (param, NULL);
  GdkDisplay *display = gdk_display_get_default ();

  /* only what an upload of ours made: a notification's target is data */
  if (display == NULL || !fm_client_url_is_safe_to_open (url))
    return;
  gdk_clipboard_set_text (gdk_display_get_clipboard (display), url);
}

static FmUploadJob *
find_failed (FmNotifier *self,
             GVariant   *param)
{
  FmUploadJob *job = fm_upload_queue_find (fm_session_get_queue (self->session),
                                           g_variant_get_string (param, NULL));

  return job != NULL && fm_upload_job_get_state (job) == FM_UPLOAD_STATE_FAILED ? job : NULL;
}

static void
retry_upload_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  FmUploadJob *job = find_failed (user_data, param);

  if (job != NULL)
    fm_upload_job_retry (job);
}

static void
send_again_upload_action (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  FmNotifier *self = user_data;
  FmUploadJob *job = find_failed (self, param);

  if (job != NULL && fm_upload_job_needs_new_transfer (job) && fm_upload_job_get_sources (job) != NULL &&
      !fm_upload_job_had_password (job))
    fm_upload_queue_send_again (fm_session_get_queue (self->session), job, NULL);
}

/* "Open Folder" of a notification: the file manager, there. */
static void
open_folder_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  const char *folder = g_variant_get_string (param, NULL);
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_path_is_absolute (folder) || !g_file_test (folder, G_FILE_TEST_IS_DIR))
    return;
  uri = g_filename_to_uri (folder, NULL, NULL);
  if (uri != NULL && !g_app_info_launch_default_for_uri (uri, NULL, &error))
    g_warning ("Cannot open %s: %s", folder, error->message);
}

static void
download_arrival_action (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  FmNotifier *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *id = g_variant_get_string (param, NULL);

  if (self->automation == NULL || self->application == NULL)
    return;
  g_application_withdraw_notification (G_APPLICATION (self->application), id);
  if (!fm_automation_download_anyway (self->automation, id, &error) && error != NULL)
    {
      g_autoptr(GNotification) notification = g_notification_new (_("A transfer was not downloaded"));

      g_notification_set_body (notification, error->message);
      g_application_send_notification (G_APPLICATION (self->application), id, notification);
    }
}

static void
skip_arrival_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  FmNotifier *self = user_data;

  if (self->automation != NULL)
    fm_automation_skip (self->automation, g_variant_get_string (param, NULL));
}

static const GActionEntry actions[] = {
  { "download-arrival", download_arrival_action, "s" },
  { "skip-arrival", skip_arrival_action, "s" },
  { "open-folder", open_folder_action, "s" },
  { "copy-link", copy_link_action, "s" },
  { "retry-upload", retry_upload_action, "s" },
  { "send-again-upload", send_again_upload_action, "s" },
};

/* ---------------------------------------------------------- lifecycle */

static void
fm_notifier_dispose (GObject *object)
{
  FmNotifier *self = FM_NOTIFIER (object);

  g_clear_weak_pointer (&self->application);
  g_clear_weak_pointer (&self->automation);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fm_notifier_parent_class)->dispose (object);
}

static void
fm_notifier_class_init (FmNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_notifier_dispose;
}

static void
fm_notifier_init (FmNotifier *self)
{
}

FmNotifier *
fm_notifier_new (GtkApplication *application,
                 FmSession      *session)
{
  FmNotifier *self = g_object_new (FM_TYPE_NOTIFIER, NULL);
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (session));

  g_set_weak_pointer (&self->application, application);
  self->session = g_object_ref (session);
  /* the actions outlive no one: the application owns this notifier */
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), self);
  queue_changed_cb (queue, 0, 0, g_list_model_get_n_items (queue), self);
  g_signal_connect_object (queue, "items-changed", G_CALLBACK (queue_changed_cb), self, 0);
  return self;
}
