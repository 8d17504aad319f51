/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-links.c: receiving with nothing but a link, in-process under Xvfb
 * (tests/run-with-display.sh), logged out, against an in-process local
 * server. The link arrives the ways a person brings it: the program's
 * argument (GApplication open, as a running instance gets it), Ctrl+V,
 * a drop, the Open Link dialog; it opens on the Links page, is remembered
 * (0600, no download addresses), found by the desktop's search, and can
 * be forgotten with Undo. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-application.h"
#include "fm-error.h"
#include "fm-file-row.h"
#include "fm-test-app.h"
#include "fm-test-util.h"
#include "fm-transfer-file.h"
#include "fm-transfer-link.h"
#include "fm-transfer-list.h"
#include "fm-transfer-view.h"
#include "fm-window.h"

static FmTestApp ui;

static char *
transfer_of_file (const char *filename)
{
  g_autofree char *text = fm_test_server_get_stats (ui.server);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonArray *files = json_object_get_array_member (json_node_get_object (root), "files");

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (f, "filename"), filename))
        return g_strdup (json_object_get_string_member (f, "transferid"));
    }
  g_assert_not_reached ();
}

static char *
link_of_file (const char *filename)
{
  g_autofree char *id = transfer_of_file (filename);
  g_autofree char *url = fm_test_server_get_url (ui.server);

  return fm_transfer_link_for_id (url, id);
}

static FmTransferList *
links (void)
{
  return fm_window_get_links_list (ui.window);
}

static gboolean
view_settled (gpointer view)
{
  const char *state = fm_transfer_view_get_state (view);

  return !fm_transfer_view_is_busy (view) &&
         (g_strcmp0 (state, "detail") == 0 || g_strcmp0 (state, "password") == 0 ||
          g_strcmp0 (state, "error") == 0);
}

/* The Links page shows @id, open beside the list, settled. */
static gboolean
showing (gpointer id)
{
  FmTransferView *view = fm_transfer_list_get_view (links ());
  FmTransfer *t = fm_transfer_view_get_transfer (view);
  const char *state = fm_transfer_view_get_state (view);

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (
        gtk_widget_get_ancestor (GTK_WIDGET (links ()), ADW_TYPE_VIEW_STACK))), "links") != 0)
    return FALSE;
  if (g_strcmp0 (state, "password") == 0 || g_strcmp0 (state, "error") == 0)
    return !fm_transfer_view_is_busy (view);
  return t != NULL && fm_transfer_id_equal (fm_transfer_get_id (t), id) && view_settled (view);
}

static gboolean
row_finished (gpointer row)
{
  FmFileRowState state = fm_file_row_get_state (row);

  return state == FM_FILE_ROW_DONE || state == FM_FILE_ROW_FAILED;
}

static FmFileRow *
file_row (FmTransferView *view, guint i)
{
  return fm_test_file_row (view, i);
}

static char *
history_path (void)
{
  return g_build_filename (g_getenv ("XDG_STATE_HOME"), "filemail", "received-links.json", NULL);
}

/* `filemail-desktop LINK` (or the link given to the instance already
 * running, which GApplication passes to open()), logged out. */
static void
test_open_from_the_command_line (void)
{
  g_autofree char *link = link_of_file ("gift.bin");
  g_autofree char *id = transfer_of_file ("gift.bin");
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (link);
  g_autofree char *folder = g_build_filename (ui.root, "Downloads", NULL);
  g_autofree char *saved = g_build_filename (folder, "gift.bin", NULL);
  g_autofree char *path = history_path ();
  g_autofree char *kept = NULL;
  FmTransferView *view = fm_transfer_list_get_view (links ());
  struct stat st;

  g_assert_false (fm_session_is_logged_in (fm_application_get_session (ui.app)));
  g_application_open (G_APPLICATION (ui.app), &file, 1, "");
  fm_test_spin_until (showing, id);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");
  /* transfer/get has no subject: the transfer is named by its file */
  g_assert_cmpstr (fm_transfer_dup_title (fm_transfer_view_get_transfer (view)), ==, "gift.bin");
  g_assert_cmpstr (fm_transfer_get_from (fm_transfer_view_get_transfer (view)), ==, "carol@example.com");
  /* nothing went to the Send page */
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (links ())), ==, 1);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
  g_assert_null (strstr (kept, "dk="));
  g_assert_nonnull (strstr (kept, "carol@example.com"));

  g_settings_set_string (fm_application_get_settings (ui.app), "download-folder", folder);
  g_assert_null (fm_test_drag_content (GTK_WIDGET (file_row (view, 0))));   /* nothing saved yet */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.download-all", NULL));
  fm_test_spin_until (row_finished, file_row (view, 0));
  g_assert_cmpint (fm_file_row_get_state (file_row (view, 0)), ==, FM_FILE_ROW_DONE);
  g_assert_cmpstr (fm_file_row_get_saved_path (file_row (view, 0)), ==, saved);
  fm_test_screenshot ("links.png");

  /* the saved file drags out as itself (Files, a mail, a chat) */
  {
    g_autoptr(GdkContentProvider) content = fm_test_drag_content (GTK_WIDGET (file_row (view, 0)));
    g_autoptr(GdkContentFormats) formats = NULL;
    GValue value = G_VALUE_INIT;
    GSList *list;
    g_autofree char *dragged = NULL;

    g_assert_nonnull (content);
    formats = gdk_content_provider_ref_formats (content);
    g_assert_true (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST));
    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    list = g_value_get_boxed (&value);
    g_assert_cmpuint (g_slist_length (list), ==, 1);
    dragged = g_file_get_path (list->data);
    g_assert_cmpstr (dragged, ==, saved);
    g_value_unset (&value);
  }
}

static void
set_clipboard (const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (ui.window)), text);
}

/* Ctrl+V with a link copied from a mail (angle brackets and all), a drop
 * of one as text, and what is not a link: a sentence, nothing opened. */
static void
test_paste_and_drop (void)
{
  g_autofree char *link = link_of_file ("party.bin");
  g_autofree char *id = transfer_of_file ("party.bin");
  g_autofree char *pasted = g_strdup_printf ("<%s>", link);
  g_autofree char *other = link_of_file ("gift.bin");
  g_autofree char *other_id = transfer_of_file ("gift.bin");
  g_autoptr(GError) error = NULL;

  fm_window_show_page (ui.window, "send");
  set_clipboard (pasted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.paste-files", NULL));
  fm_test_spin_until (showing, id);
  /* newest opened first */
  {
    g_autoptr(FmTransfer) first = g_list_model_get_item (fm_transfer_list_get_shown (links ()), 0);
    g_assert_true (fm_transfer_id_equal (fm_transfer_get_id (first), id));
  }

  fm_window_show_page (ui.window, "inbox");
  g_assert_true (fm_window_drop_text (ui.window, other));
  fm_test_spin_until (showing, other_id);
  g_assert_false (fm_window_drop_text (ui.window, "just some words"));

  g_assert_false (fm_window_open_link (ui.window, "https://example.org/d/ABCDEF", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK);
  g_assert_nonnull (strstr (error->message, "example.org"));
  g_clear_error (&error);
  g_assert_false (fm_window_open_link (ui.window, "https://www.filemail.com/d/ABCDEF", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (links ())), ==, 2);
}

/* Ctrl+L: a dialog with the focus in its field; Open only for a link it
 * can open, and the reason said in the dialog as it is typed. */
static void
test_open_link_dialog (void)
{
  g_autofree char *link = link_of_file ("party.bin");
  g_autofree char *id = transfer_of_file ("party.bin");
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.open-link", NULL));
  dialog = fm_test_open_dialog ();
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "open"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "https://example.org/d/ABC");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "open"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "example.org"));
  gtk_editable_set_text (GTK_EDITABLE (entry), link);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "open"));
  fm_test_screenshot ("open-link.png");
  adw_message_dialog_response (dialog, "open");
  gtk_window_destroy (GTK_WINDOW (dialog));
  fm_test_spin_until (showing, id);
}

/* A protected link asks for its password (the focus in the field, a
 * wrong one said on the page); an expired one says so, with no Try Again,
 * and can be forgotten; Undo brings it back. */
static void
test_password_expired_and_forget (void)
{
  g_autofree char *locked = link_of_file ("locked.bin");
  g_autofree char *locked_id = transfer_of_file ("locked.bin");
  g_autofree char *gone = link_of_file ("old.bin");
  g_autofree char *gone_id = transfer_of_file ("old.bin");
  FmTransferView *view = fm_transfer_list_get_view (links ());
  g_autoptr(GError) error = NULL;
  guint before;

  g_assert_true (fm_window_open_link (ui.window, locked, &error));
  fm_test_spin_until (showing, locked_id);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "password");
  fm_transfer_view_unlock (view, "wrong");
  fm_test_spin_until (view_settled, view);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "password");
  fm_transfer_view_unlock (view, "sesame");
  fm_test_spin_until (view_settled, view);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");

  g_assert_true (fm_test_server_expire_transfer (ui.server, gone_id));
  g_assert_true (fm_window_open_link (ui.window, gone, &error));
  fm_test_spin_until (showing, gone_id);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "error");
  g_assert_nonnull (strstr (fm_transfer_view_get_error (view), "expired"));
  fm_test_screenshot ("link-expired.png");

  before = g_list_model_get_n_items (fm_transfer_list_get_shown (links ()));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.forget", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (links ())), ==, before - 1);
  g_assert_false (fm_link_history_contains (fm_session_get_link_history (fm_application_get_session (ui.app)),
                                            fm_test_server_get_url (ui.server), gone_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.open-link-text", "s", gone));
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (links ())), ==, before);
}

/* The desktop's search finds what was opened by link, logged out. */
static void
test_search_finds_links (void)
{
  FmSession *session = fm_application_get_session (ui.app);
  g_autofree char *url = fm_test_server_get_url (ui.server);
  g_autofree char *id = transfer_of_file ("gift.bin");
  const char *terms[] = { "carol", NULL };
  g_autoptr(GPtrArray) found = fm_link_history_search (fm_session_get_link_history (session), url, terms);
  g_autofree char *wanted = g_strdup_printf ("link:%s", id);
  gboolean seen = FALSE;

  for (guint i = 0; i < found->len; i++)
    seen |= g_ascii_strcasecmp (found->pdata[i], wanted) == 0;
  g_assert_true (seen);
}

static gboolean
child_done (gpointer data)
{
  return *(gboolean *) data;
}

static void
child_exited_cb (GPid pid, int status, gpointer data)
{
  g_spawn_close_pid (pid);
  *(gboolean *) data = TRUE;
}

/* The command line against the in-process server, the main loop turning
 * while it runs (the server answers from it). */
static char *
run_cli (const char * const *args,
         const char          *input)
{
  g_autofree char *home = g_build_filename (ui.root, "cli-home", NULL);
  g_autofree char *url = fm_test_server_get_url (ui.server);
  g_autofree char *out_path = g_build_filename (ui.root, "cli-out", NULL);
  g_autofree char *in_path = g_build_filename (ui.root, "cli-in", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  char *output = NULL;
  GPid pid;
  int out_fd, in_fd;

  g_mkdir_with_parents (home, 0700);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_STATE_HOME", home, TRUE);
  env = g_environ_setenv (env, "FILEMAIL_API_URL", url, TRUE);
  /* no keyring: the login goes to a file (no bus to autolaunch either) */
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  env = g_environ_unsetenv (env, "DISPLAY");
  g_assert_true (g_file_set_contents (in_path, input != NULL ? input : "", -1, NULL));
  out_fd = g_open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  in_fd = g_open (in_path, O_RDONLY, 0);
  g_ptr_array_add (argv, (gpointer) g_getenv ("FILEMAIL_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async_with_fds (NULL, (char **) argv->pdata, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         &pid, in_fd, out_fd, -1, &error));
  g_assert_no_error (error);
  close (out_fd);
  close (in_fd);
  g_child_watch_add (pid, child_exited_cb, &done);
  fm_test_spin_until (child_done, &done);
  g_assert_true (g_file_get_contents (out_path, &output, NULL, NULL));
  return output;
}

typedef struct {
  GListModel *downloads;
  guint       running_max;
} Watch;

static void
count_running_cb (GObject *job, GParamSpec *pspec, Watch *watch)
{
  guint running = 0;

  for (guint i = 0; i < g_list_model_get_n_items (watch->downloads); i++)
    {
      g_autoptr(FmDownloadJob) j = g_list_model_get_item (watch->downloads, i);

      running += fm_download_job_get_state (j) == FM_DOWNLOAD_STATE_RUNNING;
    }
  watch->running_max = MAX (watch->running_max, running);
}

static gboolean
all_rows_done (gpointer view)
{
  GListModel *files = fm_transfer_get_files (fm_transfer_view_get_transfer (view));

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      FmFileRow *row = fm_transfer_view_get_file_row (view, i);
      FmFileRowState state = row != NULL ? fm_file_row_get_state (row) : FM_FILE_ROW_DOWNLOADING;

      if (state != FM_FILE_ROW_DONE && state != FM_FILE_ROW_IDLE)
        return FALSE;
    }
  return TRUE;
}

/* Download All of a folder of many files: four at a time, the rest wait
 * their turn ("Waiting…"); one stopped while waiting never starts; every
 * other file lands, in its folder. */
static void
test_download_all_takes_turns (void)
{
  g_autofree char *folder = g_build_filename (ui.root, "Many", NULL);
  g_autofree char *target = g_build_filename (ui.root, "ManyDownloads", NULL);
  const char *login[] = { "login", "--username", "alice@example.com", "--password-stdin", NULL };
  const char *send[] = { "send", "--json", folder, NULL };
  g_autofree char *sent = NULL, *ignored = NULL;
  g_autoptr(JsonNode) answer = NULL;
  FmTransferView *view = fm_transfer_list_get_view (links ());
  GListModel *downloads = fm_session_get_downloads (fm_application_get_session (ui.app));
  Watch watch = { downloads, 0 };
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  FmFileRow *waiting;
  guint n = 40, saved = 0;

  g_mkdir_with_parents (folder, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/photo-%02u.jpg", folder, i);
      g_autofree char *data = g_strdup_printf ("photo %u", i);

      g_assert_true (g_file_set_contents (name, data, -1, NULL));
    }
  ignored = run_cli (login, "alice-password\n");
  sent = run_cli (send, NULL);
  answer = json_from_string (sent, &error);
  g_assert_no_error (error);
  g_assert_true (fm_window_open_link (ui.window, json_object_get_string_member (json_node_get_object (answer), "url"),
                                      &error));
  g_assert_no_error (error);
  fm_test_spin_until (showing, (gpointer) json_object_get_string_member (json_node_get_object (answer), "transferid"));
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");

  g_settings_set_string (fm_application_get_settings (ui.app), "download-folder", target);
  fm_test_server_configure (ui.server, "slow_ms", "30", NULL);
  /* the last row, made before the clock starts (a list view makes rows
   * at its next layout) */
  waiting = file_row (view, n - 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.download-all", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (downloads); i++)
    {
      FmDownloadJob *job = g_list_model_get_item (downloads, i);

      g_signal_connect (job, "notify::state", G_CALLBACK (count_running_cb), &watch);
      g_ptr_array_add (jobs, job);
    }
  /* the whole batch is counted, not walked: every file's bytes to come */
  {
    gint64 done = -1, total = -1, sizes = 0;

    GListModel *files = fm_transfer_get_files (fm_transfer_view_get_transfer (view));

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(FmTransferFile) file = g_list_model_get_item (files, i);

        sizes += fm_transfer_file_get_filesize (file);
      }
    fm_session_get_download_progress (fm_application_get_session (ui.app), &done, &total);
    g_assert_cmpint (total, ==, sizes);
    g_assert_cmpint (done, <=, total);
    g_assert_cmpuint (fm_session_get_n_downloads_active (fm_application_get_session (ui.app)), ==, n);
  }
  /* the last rows wait their turn; one of them is stopped */
  g_assert_cmpint (fm_file_row_get_state (waiting), ==, FM_FILE_ROW_DOWNLOADING);
  fm_download_job_stop (fm_session_find_download (fm_application_get_session (ui.app), fm_file_row_get_file (waiting)));
  g_assert_cmpint (fm_file_row_get_state (waiting), ==, FM_FILE_ROW_IDLE);
  g_assert_cmpuint (fm_session_get_n_downloads_active (fm_application_get_session (ui.app)), ==, n - 1);
  fm_test_spin_until (all_rows_done, view);
  {
    gint64 done = -1, total = -1;

    /* nothing moves: the batch is over */
    fm_session_get_download_progress (fm_application_get_session (ui.app), &done, &total);
    g_assert_cmpint (total, ==, 0);
    g_assert_cmpint (done, ==, 0);
  }
  fm_test_server_configure (ui.server, "slow_ms", "0", NULL);
  for (guint i = 0; i < jobs->len; i++)
    g_signal_handlers_disconnect_by_data (jobs->pdata[i], &watch);
  g_test_message ("at most %u downloads ran at once", watch.running_max);
  g_assert_cmpuint (watch.running_max, <=, FM_SESSION_DOWNLOADS_AT_ONCE);
  g_assert_cmpuint (watch.running_max, >=, 2);
  for (guint i = 0; i < n; i++)
    saved += fm_file_row_get_state (file_row (view, i)) == FM_FILE_ROW_DONE;
  g_assert_cmpuint (saved, ==, n - 1);
  g_assert_cmpint (fm_file_row_get_state (waiting), ==, FM_FILE_ROW_IDLE);
  {
    g_autofree char *one = g_build_filename (target, "Many", "photo-00.jpg", NULL);
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (one, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "photo 0");
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  fm_test_app_start (&ui, &argc, &argv, "links");
  g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "dave@example.com", 1, "Gift", NULL, "gift.bin", &error));
  g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "dave@example.com", 1, "Party", NULL, "party.bin", &error));
  g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "dave@example.com", 1, "Locked", "sesame", "locked.bin", &error));
  g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "dave@example.com", 1, "Old", NULL, "old.bin", &error));
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 1100, 760);

  g_test_add_func ("/links/open-from-the-command-line", test_open_from_the_command_line);
  g_test_add_func ("/links/paste-and-drop", test_paste_and_drop);
  g_test_add_func ("/links/open-link-dialog", test_open_link_dialog);
  g_test_add_func ("/links/password-expired-and-forget", test_password_expired_and_forget);
  g_test_add_func ("/links/search-finds-links", test_search_finds_links);
  g_test_add_func ("/links/download-all-takes-turns", test_download_all_takes_turns);
  status = g_test_run ();
  fm_test_rm_rf (ui.root);
  return status;
}
