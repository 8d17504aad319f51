/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-application.c: the Filemail desktop application
 *
 * One instance per session (GApplication uniqueness): opening files from
 * the command line, a file manager or D-Bus adds them to the Send page of
 * the running window. Uploads outlive the window: closing it while they
 * run keeps the application alive (held) until they finish, and the queue
 * on disk brings unfinished ones back after a quit or a crash.
 */
#define G_LOG_DOMAIN "fm-application"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>

#include "fm-application.h"
#include "fm-format.h"
#include "fm-config.h"
#include "fm-download-job.h"
#include "fm-error.h"
#include "fm-inhibitor.h"
#include "fm-launcher-entry.h"
#include "fm-notifier.h"
#include "fm-search-provider.h"
#include "filemail-resources.h"
#include "fm-login-dialog.h"
#include "fm-preferences-window.h"
#include "fm-window.h"

struct _FmApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  FmSession      *session;      /* the client, the account, uploads, downloads */
  GtkWindow      *login_dialog; /* the one open, if any */
  gboolean        held;
  gboolean        ca_file_applied;   /* a company CA was set this run (to undo it) */
  FmInhibitor    *inhibitor;    /* awake while files move */
  FmLauncherEntry *launcher;    /* progress on the dock */
  FmNotifier     *notifier;     /* sent, failed: told to the desktop */
  FmAutomation   *automation;   /* resume at start, new arrivals, metered waits */
  FmSearchProvider *search_provider; /* the Activities overview's searches */

  /* FILEMAIL_DEBUG_STALLS=1: the longest main-loop stall while uploads run,
 * printed at exit (a 10 ms timer's lateness) */
  gint64          stall_expected;
  gint64          stall_max;
};

G_DEFINE_FINAL_TYPE (FmApplication, fm_application, ADW_TYPE_APPLICATION)

#define STALL_TICK_US 10000

/* ---------------------------------------------------------- the queue */

static FmWindow *
get_window (FmApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return window != NULL && FM_IS_WINDOW (window) ? FM_WINDOW (window) : NULL;
}

/* Held while uploads or downloads run and no window is open, released
 * when done. */
static void
update_hold (FmApplication *self)
{
  gboolean busy = fm_session_is_busy (self->session);
  gboolean windowless = gtk_application_get_windows (GTK_APPLICATION (self)) == NULL;

  if (busy && windowless && !self->held)
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Uploads continue in the background"));

      g_notification_set_body (notification, _("Filemail keeps sending your files and tells you when they are sent."));
      g_notification_set_default_action (notification, "app.activate");
      g_application_send_notification (G_APPLICATION (self), "background", notification);
      g_application_hold (G_APPLICATION (self));
      self->held = TRUE;
    }
  else if (self->held && (!busy || !windowless))
    {
      self->held = FALSE;
      g_application_withdraw_notification (G_APPLICATION (self), "background");
      g_application_release (G_APPLICATION (self));
    }
}

/* Unfinished uploads come back; they go on by themselves unless the
 * user said not to (or the connection is metered: they wait). */
static void
load_queue (FmApplication *self)
{
  g_autoptr(GError) error = NULL;

  FmQueueStore *store = fm_upload_queue_get_store (fm_session_get_queue (self->session));
  g_auto(GStrv) set_aside = NULL;

  if (!fm_upload_queue_load (fm_session_get_queue (self->session), &error))
    g_warning ("%s", error->message);
  set_aside = store != NULL ? fm_queue_store_take_set_aside (store) : NULL;
  /* a saved job that cannot come back is said, never dropped in silence */
  for (guint i = 0; set_aside != NULL && set_aside[i] != NULL; i++)
    {
      g_autoptr(GNotification) notification = g_notification_new (_("An upload cannot be resumed"));
      g_autofree char *id = g_strdup_printf ("set-aside-%u", i);

      g_notification_set_body (notification, set_aside[i]);
      g_application_send_notification (G_APPLICATION (self), id, notification);
    }
  if (g_settings_get_boolean (self->settings, "resume-at-start"))
    fm_automation_resume_uploads (self->automation);
}

/* ------------------------------------------------------------ account */

static void
restored_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fm_session_restore_login_finish (FM_SESSION (source), result, &error) && error != NULL)
    g_message ("Cannot read the stored login: %s", error->message);
}

/* The menu offers Log In or Log Out, whichever applies. */
static void
update_account_actions (FmApplication *self)
{
  gboolean logged_in = self->session != NULL && fm_session_is_logged_in (self->session);
  GAction *login = g_action_map_lookup_action (G_ACTION_MAP (self), "login");
  GAction *logout = g_action_map_lookup_action (G_ACTION_MAP (self), "logout");

  if (login != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (login), !logged_in);
  if (logout != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (logout), logged_in);
}

/* One login dialog at a time, over the active window. */
static void
show_login (FmApplication *self)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->login_dialog == NULL)
    {
      self->login_dialog = GTK_WINDOW (fm_login_dialog_new (self->session));
      g_object_add_weak_pointer (G_OBJECT (self->login_dialog), (gpointer *) &self->login_dialog);
    }
  if (parent != NULL && parent != self->login_dialog)
    gtk_window_set_transient_for (self->login_dialog, parent);
  gtk_window_present (self->login_dialog);
}

static void
logout_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FmApplication) self = user_data;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* logged out here whatever the server said */
  if (!fm_session_logout_finish (FM_SESSION (source), result, &server_error, &error))
    g_message ("Cannot forget the stored login: %s", error->message);
  if (server_error != NULL)
    g_message ("The server did not confirm the logout: %s", server_error->message);
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.toast", "s",
                                _("Logged out. Your transfers stay on Filemail; log in again to see them."));
}

/* ------------------------------------------------------------ actions */

static void
login_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  show_login (FM_APPLICATION (user_data));
}

static void
logout_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmApplication *self = user_data;

  fm_session_logout_async (self->session, NULL, logout_done_cb, g_object_ref (self));
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmApplication *self = user_data;
  FmPreferencesWindow *prefs = fm_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmApplication *self = user_data;
  const char *developers[] = { "The Filemail Desktop developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Filemail"),
                         "application-icon", FM_APP_ID,
                         "version", FM_VERSION,
                         "developer-name", _("The Filemail Desktop developers"),
                         "developers", developers,
                         "comments", _("Send large files from your desktop"),
                         "website", "https://www.filemail.com",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
activate_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static FmWindow *ensure_window (FmApplication *self);

/* The launcher's "New Transfer": the Send view, whatever page was last */
static void
new_transfer_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmWindow *window = ensure_window (FM_APPLICATION (user_data));

  fm_window_show_page (window, "send");
  gtk_window_present (GTK_WINDOW (window));
}

static void
pause_all (FmApplication *self)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      fm_upload_job_pause (job);
    }
}

static void
quit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  FmApplication    *self)
{
  if (g_str_equal (response, "quit"))
    {
      pause_all (self);
      g_application_quit (G_APPLICATION (self));
    }
  else if (g_str_equal (response, "background"))
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
      if (windows != NULL)
        gtk_window_close (windows->data);
    }
}

/* With uploads running, ask: they can go on without a window, or stop
 * now and continue at the next start (they are saved either way). */
static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwMessageDialog *dialog;

  if (fm_upload_queue_get_n_active (fm_session_get_queue (self->session)) == 0 || window == NULL)
    {
      pause_all (self);
      g_application_quit (G_APPLICATION (self));
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Uploads Are Running"),
    _("They can go on in the background, or stop now and continue the next time Filemail starts.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "quit", _("_Quit and Resume Later"),
                                    "background", _("Keep Sending in _Background"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "background", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "background");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (quit_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------ arrivals */

static void
show_inbox_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmWindow *window = ensure_window (FM_APPLICATION (user_data));

  fm_window_show_page (window, "inbox");
  gtk_window_present (GTK_WINDOW (window));
}

/* The setting's minutes; FILEMAIL_ARRIVALS_INTERVAL (seconds) for tests. */
static void
apply_automation_settings (FmApplication *self)
{
  const char *env = g_getenv ("FILEMAIL_ARRIVALS_INTERVAL");
  guint64 s = 0;

  if (env == NULL || !g_ascii_string_to_unsigned (env, 10, 1, 86400, &s, NULL))
    s = (guint64) g_settings_get_int (self->settings, "check-interval") * 60;
  fm_automation_set_interval (self->automation, (guint) s);
  fm_automation_set_auto_download (self->automation, g_settings_get_boolean (self->settings, "auto-download"));
  fm_automation_set_allow_metered (self->automation, g_settings_get_boolean (self->settings, "metered-allowed"));
  fm_automation_set_max_size (self->automation,
                              (gint64) g_settings_get_int (self->settings, "auto-download-max-mb") * 1000 * 1000);
}

/* Beside the saved uploads: $XDG_STATE_HOME/filemail/auto-downloads.json */
static FmAutomation *
create_automation (FmApplication *self)
{
  FmQueueStore *store = fm_upload_queue_get_store (fm_session_get_queue (self->session));
  g_autofree char *parent = store != NULL ? g_path_get_dirname (fm_queue_store_get_directory (store)) : NULL;
  g_autofree char *path = parent != NULL ? g_build_filename (parent, "auto-downloads.json", NULL) : NULL;

  return fm_automation_new (self->session, path);
}

/* A search result from the desktop, "received:ID", "sent:ID" or
 * "link:ID": that transfer, open in its list. */
static void
show_transfer_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmWindow *window = ensure_window (FM_APPLICATION (user_data));
  const char *result = g_variant_get_string (param, NULL);
  gboolean sent = g_str_has_prefix (result, "sent:");
  const char *id = strchr (result, ':');

  if (g_str_has_prefix (result, "link:"))
    {
      fm_window_show_page (window, "links");
      fm_transfer_list_select_id (fm_window_get_links_list (window), id + 1);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }
  if (id == NULL || !(sent || g_str_has_prefix (result, "received:")))
    return;
  fm_window_show_page (window, sent ? "outbox" : "inbox");
  fm_transfer_list_select_id (fm_window_get_transfer_list (window, sent), id + 1);
  gtk_window_present (GTK_WINDOW (window));
}

/* "Search in the app" from the desktop: the Inbox, searched. */
static void
search_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  FmWindow *window = ensure_window (FM_APPLICATION (user_data));

  fm_window_show_page (window, "inbox");
  fm_transfer_list_set_search (fm_window_get_transfer_list (window, FALSE), g_variant_get_string (param, NULL));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "show-transfer", show_transfer_action, "s" },
  { "search", search_action, "s" },
  { "login", login_action },
  { "logout", logout_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "activate", activate_action },
  { "new-transfer", new_transfer_action },
  { "show-inbox", show_inbox_action },
  { "quit", quit_action },
};

/* --------------------------------------------------------- lifecycle */

static gboolean
any_uploading (FmApplication *self)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_UPLOADING)
        return TRUE;
    }
  return FALSE;
}

static gboolean
stall_tick_cb (gpointer data)
{
  FmApplication *self = data;
  gint64 now = g_get_monotonic_time ();

  /* only while bytes move: what the responsiveness target is about */
  if (self->stall_expected > 0 && self->session != NULL && any_uploading (self))
    {
      gint64 late = now - self->stall_expected;

      self->stall_max = MAX (self->stall_max, late);
      if (late > 20000 && g_strcmp0 (g_getenv ("FILEMAIL_DEBUG_STALLS"), "2") == 0)
        g_printerr ("filemail-desktop: stall of %.1f ms at %.3f s\n", late / 1000.0, now / 1e6);
    }
  self->stall_expected = now + STALL_TICK_US;
  return G_SOURCE_CONTINUE;
}

/* The configured server; a broken address is said once and Filemail's
 * used instead. */
static FmSession *
create_session (void)
{
  g_autoptr(GError) error = NULL;
  FmSession *session = fm_session_new_from_config (NULL, &error);

  if (session == NULL)
    {
      g_warning ("%s; using %s", error->message, FM_DEFAULT_API_URL);
      session = fm_session_new_from_config (FM_DEFAULT_API_URL, NULL);
    }
  return session;
}

/* The company's authority from the settings, unless FILEMAIL_CA_FILE
 * chose one; a file that cannot be read is said, and only the system's
 * authorities are trusted. */
static void
apply_ca_file (FmApplication *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");
  g_autoptr(GError) error = NULL;
  const char *env = g_getenv ("FILEMAIL_CA_FILE");

  if (env != NULL && *env != '\0')
    return;
  /* none, and none before: the system's trust, which libsoup loads when
   * the first https request goes (50 ms less at start-up) */
  if (*path == '\0' && !self->ca_file_applied)
    return;
  self->ca_file_applied = TRUE;
  if (!fm_client_set_ca_file (fm_session_get_client (self->session), *path != '\0' ? path : NULL, &error))
    g_message ("Not trusting %s: %s", path, error->message);   /* Preferences says it too */
}

/* The settings' limits, for everything the session moves, at once. */
static void
apply_speed_limits (FmApplication *self)
{
  FmClient *client = fm_session_get_client (self->session);
  guint64 up = g_settings_get_boolean (self->settings, "limit-upload")
               ? (guint64) g_settings_get_int (self->settings, "upload-limit") * 1000 : 0;
  guint64 down = g_settings_get_boolean (self->settings, "limit-download")
                 ? (guint64) g_settings_get_int (self->settings, "download-limit") * 1000 : 0;

  fm_rate_limiter_set_rate (fm_client_get_upload_limit (client), up);
  fm_rate_limiter_set_rate (fm_client_get_download_limit (client), down);
}

static void
fm_application_startup (GApplication *application)
{
  FmApplication *self = FM_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (fm_application_parent_class)->startup (application);
  gtk_window_set_default_icon_name (FM_APP_ID);
  self->settings = g_settings_new (FM_APP_ID);
  self->session = create_session ();
  g_settings_bind (self->settings, "download-folder", self->session, "download-folder", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (apply_speed_limits), self, G_CONNECT_SWAPPED);
  apply_speed_limits (self);
  g_signal_connect_object (self->settings, "changed::ca-file", G_CALLBACK (apply_ca_file), self, G_CONNECT_SWAPPED);
  apply_ca_file (self);
  g_signal_connect_object (self->session, "notify::logged-in", G_CALLBACK (update_account_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (update_hold), self, G_CONNECT_SWAPPED);
  /* an expired login: ask again (the uploads it stopped go again after) */
  g_signal_connect_object (self->session, "login-expired", G_CALLBACK (show_login), self, G_CONNECT_SWAPPED);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  update_account_actions (self);
  self->notifier = fm_notifier_new (GTK_APPLICATION (self), self->session);
  self->inhibitor = fm_inhibitor_new (GTK_APPLICATION (self), self->session);
  if (g_application_get_dbus_connection (application) != NULL)
    self->launcher = fm_launcher_entry_new (g_application_get_dbus_connection (application),
                                            g_application_get_application_id (application), self->session);
  self->automation = create_automation (self);
  apply_automation_settings (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (apply_automation_settings), self,
                           G_CONNECT_SWAPPED);
  fm_notifier_watch_automation (self->notifier, self->automation);
  load_queue (self);
  fm_session_restore_login_async (self->session, NULL, restored_cb, NULL);
  if (g_getenv ("FILEMAIL_DEBUG_STALLS") != NULL)
    g_timeout_add_full (G_PRIORITY_HIGH, STALL_TICK_US / 1000, stall_tick_cb, self, NULL);
}

static FmSession *
session_getter (GApplication *application)
{
  return FM_APPLICATION (application)->session;
}

/* The bus name is ours before startup: the search provider goes up with
 * it (it finds the session once there is one). */
static gboolean
fm_application_dbus_register (GApplication     *application,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  FmApplication *self = FM_APPLICATION (application);

  if (!G_APPLICATION_CLASS (fm_application_parent_class)->dbus_register (application, connection,
                                                                          object_path, error))
    return FALSE;
  self->search_provider = fm_search_provider_new (application, session_getter);
  return fm_search_provider_export (self->search_provider, connection, error);
}

static void
fm_application_dbus_unregister (GApplication    *application,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  FmApplication *self = FM_APPLICATION (application);

  if (self->search_provider != NULL)
    fm_search_provider_unexport (self->search_provider);
  g_clear_object (&self->search_provider);
  G_APPLICATION_CLASS (fm_application_parent_class)->dbus_unregister (application, connection, object_path);
}

static void
fm_application_shutdown (GApplication *application)
{
  FmApplication *self = FM_APPLICATION (application);

  if (g_getenv ("FILEMAIL_DEBUG_STALLS") != NULL)
    g_printerr ("filemail-desktop: longest main-loop stall while uploading: %.1f ms\n", self->stall_max / 1000.0);
  /* released while GTK can still talk to the session manager */
  g_clear_object (&self->inhibitor);
  g_clear_object (&self->launcher);
  g_clear_object (&self->notifier);
  G_APPLICATION_CLASS (fm_application_parent_class)->shutdown (application);
}

static FmWindow *
ensure_window (FmApplication *self)
{
  FmWindow *window = get_window (self);

  if (window == NULL)
    {
      window = fm_window_new (GTK_APPLICATION (self), self->session, self->settings);
      fm_window_set_automation (window, self->automation);
      g_signal_connect_swapped (window, "destroy", G_CALLBACK (update_hold), self);
    }
  return window;
}

static void
fm_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ensure_window (FM_APPLICATION (application))));
}

static void
fm_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  FmWindow *window = ensure_window (FM_APPLICATION (application));

  fm_window_add_files (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
fm_application_dispose (GObject *object)
{
  FmApplication *self = FM_APPLICATION (object);

  g_clear_object (&self->automation);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fm_application_parent_class)->dispose (object);
}

static void
fm_application_class_init (FmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  filemail_register_resource ();
  object_class->dispose = fm_application_dispose;
  app_class->startup = fm_application_startup;
  app_class->dbus_register = fm_application_dbus_register;
  app_class->dbus_unregister = fm_application_dbus_unregister;
  app_class->shutdown = fm_application_shutdown;
  app_class->activate = fm_application_activate;
  app_class->open = fm_application_open;
}

static void
fm_application_init (FmApplication *self)
{
  const GOptionEntry options[] = {
    { "send", 's', 0, G_OPTION_ARG_NONE, NULL, N_("Add the files that follow to a new transfer"), NULL },
    { NULL }
  };

  /* "--send FILE…" only says what the files are for: they arrive through
   * open(), in this instance or the one already running. */
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

FmApplication *
fm_application_new (void)
{
  return g_object_new (FM_TYPE_APPLICATION,
                       "application-id", FM_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/com/filemail/Desktop",
                       /* started by the shell for a search alone: gone 10 s after */
                       "inactivity-timeout", 10000,
                       NULL);
}

/* The one FmSession of the program (for main.c and tests; widgets get it
 * by property). */
FmAutomation *
fm_application_get_automation (FmApplication *self)
{
  return self->automation;
}

FmSession *
fm_application_get_session (FmApplication *self)
{
  return self->session;
}

GSettings *
fm_application_get_settings (FmApplication *self)
{
  return self->settings;
}
