/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-session.c: FmSession, the one object the CLI and the app build
 *
 * Against the project's server: the login (wrong password, kept, brought
 * back by a new session, logged out with the address remembered), an
 * expired login reported once and the upload it stopped going again
 * after the next login, and the downloads list (one entry per file, Stop,
 * busy while one runs).
 */
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-automation.h"
#include "fm-error.h"
#include "fm-fake-network-monitor.h"
#include "fm-session.h"
#include "fm-test-util.h"

typedef struct {
  FmTestFixture  f;
  char          *state;
  FmSession     *session;
} Fixture;

static FmSession *
new_session (Fixture *fx)
{
  g_autofree char *dir = g_build_filename (fx->state, "uploads", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(FmClient) client = fm_test_client_new (&fx->f);

  return fm_session_new (client, store);
}

static void
setup (Fixture *fx, gconstpointer data)
{
  fm_test_fixture_setup (&fx->f, data);
  fx->state = g_build_filename (fx->f.root, "state", NULL);
  fx->session = new_session (fx);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  FmQueueStore *store = fm_upload_queue_get_store (fm_session_get_queue (fx->session));
  g_autoptr(GAsyncResult) result = NULL;

  /* saved jobs are written by a worker: let it finish before the folder goes */
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &result);
  fm_queue_store_flush_finish (store, fm_test_await (&result), NULL);
  g_clear_object (&fx->session);
  g_free (fx->state);
  fm_test_fixture_teardown (&fx->f, data);
}

static gboolean
log_in (FmSession *session, const char *email, const char *password, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_session_login_async (session, email, password, NULL, fm_test_async_cb, &result);
  return fm_session_login_finish (session, fm_test_await (&result), error);
}

static void
count_cb (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_login_keep_restore_logout (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmSession) second = NULL;
  g_autoptr(FmSession) third = NULL;
  FmAccountStorage storage = FM_ACCOUNT_STORED_KEYRING;
  guint changes = 0;

  g_signal_connect (fx->session, "notify::logged-in", G_CALLBACK (count_cb), &changes);
  g_assert_false (log_in (fx->session, "alice@example.com", "wrong", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_WRONG_USERNAME_PASSWORD);
  g_assert_false (fm_session_is_logged_in (fx->session));
  g_assert_cmpuint (changes, ==, 0);
  g_clear_error (&error);

  /* the address as typed, spaces and all, is stripped */
  g_assert_true (log_in (fx->session, "  alice@example.com ", "alice-password", &error));
  g_assert_no_error (error);
  g_assert_true (fm_session_is_logged_in (fx->session));
  g_assert_cmpstr (fm_session_get_account_email (fx->session), ==, "alice@example.com");
  g_assert_nonnull (fm_client_get_login_token (fm_session_get_client (fx->session)));
  g_assert_cmpuint (changes, ==, 1);

  fm_session_keep_login_async (fx->session, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_session_keep_login_finish (fx->session, fm_test_await (&result), &storage, &error));
  g_assert_no_error (error);
  g_assert_cmpint (storage, ==, FM_ACCOUNT_STORED_FILE);
  g_clear_object (&result);

  /* the next run brings it back */
  second = new_session (fx);
  fm_session_restore_login_async (second, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_session_restore_login_finish (second, fm_test_await (&result), &error));
  g_assert_cmpstr (fm_session_get_account_email (second), ==, "alice@example.com");
  g_assert_cmpstr (fm_client_get_login_token (fm_session_get_client (second)), ==,
                   fm_client_get_login_token (fm_session_get_client (fx->session)));
  g_clear_object (&result);

  fm_session_logout_async (second, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_session_logout_finish (second, fm_test_await (&result), &server_error, &error));
  g_assert_no_error (error);
  g_assert_no_error (server_error);
  g_assert_false (fm_session_is_logged_in (second));
  g_assert_null (fm_client_get_login_token (fm_session_get_client (second)));
  g_assert_cmpstr (fm_session_get_last_email (second), ==, "alice@example.com");
  g_clear_object (&result);

  /* and nothing is left to bring back */
  third = new_session (fx);
  fm_session_restore_login_async (third, NULL, fm_test_async_cb, &result);
  g_assert_false (fm_session_restore_login_finish (third, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_false (fm_session_is_logged_in (third));
}

static void
expired_cb (FmSession *session, guint *count)
{
  (*count)++;
}

static gboolean
job_settled (FmUploadJob *job)
{
  FmUploadState state = fm_upload_job_get_state (job);

  return state == FM_UPLOAD_STATE_DONE || state == FM_UPLOAD_STATE_FAILED;
}

static void
spin_until_settled (FmUploadJob *job)
{
  while (!job_settled (job))
    g_main_context_iteration (NULL, TRUE);
}

/* Told once, whoever hears it; the upload it stopped goes again after
 * the next login, by itself. */
static void
test_expired_login (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) expired = g_error_new (FM_ERROR, FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN, "expired");
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (fx->f.root, "note.txt", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  guint count = 0;

  g_assert_true (g_file_set_contents (path, "hello", -1, NULL));
  g_signal_connect (fx->session, "login-expired", G_CALLBACK (expired_cb), &count);
  g_assert_true (log_in (fx->session, "alice@example.com", "alice-password", &error));

  fm_test_config (&fx->f, "expire_tokens", "1");
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  fm_upload_queue_add (fm_session_get_queue (fx->session), job);
  spin_until_settled (job);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_FAILED);
  g_assert_true (fm_error_is_auth_expired (fm_upload_job_get_error (job)));
  g_assert_cmpuint (count, ==, 1);
  g_assert_false (fm_session_is_logged_in (fx->session));
  g_assert_null (fm_client_get_login_token (fm_session_get_client (fx->session)));
  /* what the login dialog fills in */
  g_assert_cmpstr (fm_session_get_last_email (fx->session), ==, "alice@example.com");

  /* a list that hears it too adds nothing */
  fm_session_report_error (fx->session, expired);
  g_assert_cmpuint (count, ==, 1);

  g_assert_true (log_in (fx->session, "alice@example.com", "alice-password", &error));
  g_assert_cmpint (fm_upload_job_get_state (job), !=, FM_UPLOAD_STATE_FAILED);
  spin_until_settled (job);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_DONE);
  g_assert_false (fm_session_is_busy (fx->session));
}

static FmTransferFile *
upload_one (Fixture *fx, const char *name, gsize size)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (fx->f.root, name, NULL);
  g_autofree char *data = g_malloc (size);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (char) ('a' + i % 26);
  g_assert_true (g_file_set_contents (path, data, (gssize) size, NULL));
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  fm_upload_queue_add (fm_session_get_queue (fx->session), job);
  spin_until_settled (job);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_DONE);
  fm_client_transfer_get_async (fm_session_get_client (fx->session), fm_upload_job_get_transfer_id (job),
                                NULL, NULL, fm_test_async_cb, &result);
  transfer = fm_client_transfer_get_finish (fm_session_get_client (fx->session), fm_test_await (&result), &error);
  g_assert_no_error (error);
  return g_list_model_get_item (fm_transfer_get_files (transfer), 0);
}

static void
wait_state (FmDownloadJob *job, FmDownloadState state)
{
  while (fm_download_job_get_state (job) != state)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_downloads (Fixture *fx, gconstpointer data)
{
  g_autoptr(FmTransferFile) file = upload_one (fx, "report.txt", 4000);
  g_autofree char *folder = g_build_filename (fx->f.root, "Downloads", "new", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  FmDownloadJob *job, *again;
  guint busy_changes = 0;

  g_signal_connect (fx->session, "notify::busy", G_CALLBACK (count_cb), &busy_changes);
  fm_session_set_download_folder (fx->session, folder);
  g_assert_cmpstr (fm_session_get_download_folder (fx->session), ==, folder);

  /* a slow server: Stop catches it running */
  fm_test_config (&fx->f, "slow_ms", "300");
  job = fm_session_download (fx->session, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fm_download_job_get_file (job) == file);
  g_assert_true (fm_session_find_download (fx->session, file) == job);
  g_assert_true (fm_session_is_busy (fx->session));
  fm_download_job_stop (job);
  wait_state (job, FM_DOWNLOAD_STATE_STOPPED);
  g_assert_false (fm_session_is_busy (fx->session));
  g_assert_cmpuint (busy_changes, ==, 2);

  /* again: one entry per file, continued to the end */
  fm_test_config (&fx->f, "slow_ms", "0");
  again = fm_session_download (fx->session, file, NULL, &error);
  g_assert_true (again != job);
  g_assert_cmpuint (g_list_model_get_n_items (fm_session_get_downloads (fx->session)), ==, 1);
  wait_state (again, FM_DOWNLOAD_STATE_DONE);
  g_assert_true (g_file_get_contents (fm_download_job_get_path (again), &saved, NULL, NULL));
  g_assert_cmpuint (strlen (saved), ==, 4000);
  {
    /* saved as any file the user saves: the umask decides (not 0600) */
    mode_t mask = umask (022);
    struct stat st;

    umask (mask);
    g_assert_cmpint (g_stat (fm_download_job_get_path (again), &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
  }
  g_assert_false (fm_session_is_busy (fx->session));

  /* the next run knows it was saved (and where) while it stays there */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  {
    g_autoptr(FmSession) next = new_session (fx);
    g_autofree char *known = fm_session_dup_saved_path (next, file);
    g_autofree char *after_delete = NULL;

    g_assert_cmpstr (known, ==, fm_download_job_get_path (again));
    g_assert_cmpint (g_unlink (known), ==, 0);
    after_delete = fm_session_dup_saved_path (next, file);
    g_assert_null (after_delete);
  }

  fm_session_clear_downloads (fx->session);
  g_assert_cmpuint (g_list_model_get_n_items (fm_session_get_downloads (fx->session)), ==, 0);
}

static FmDownloadJob *
download_as (Fixture *fx, FmTransferFile *file, const char *server_name, const char *folder)
{
  g_autoptr(GError) error = NULL;
  FmDownloadJob *job;

  fm_transfer_file_set_filename (file, server_name);
  job = fm_session_download (fx->session, file, folder, &error);
  g_assert_no_error (error);
  while (fm_download_job_get_state (job) == FM_DOWNLOAD_STATE_RUNNING)
    g_main_context_iteration (NULL, TRUE);
  return job;
}

/* A folder upload's files come down into the same folders, each one
 * made safe; a name never leaves the download folder, and a link planted
 * where a folder goes is not followed. */
static void
test_download_keeps_folders (Fixture *fx, gconstpointer data)
{
  g_autoptr(FmTransferFile) file = upload_one (fx, "a.txt", 100);
  g_autofree char *folder = g_build_filename (fx->f.root, "Downloads", NULL);
  g_autofree char *outside = g_build_filename (fx->f.root, "outside", NULL);
  g_autofree char *link = g_build_filename (folder, "Linked", NULL);
  g_autofree char *expected = g_build_filename (folder, "Photos", "2024", "a.txt", NULL);
  g_autofree char *escaped = g_build_filename (folder, "escape", "b.txt", NULL);
  g_autofree char *not_escaped = g_build_filename (fx->f.root, "escape", NULL);
  g_autofree char *through_link = g_build_filename (outside, "d.txt", NULL);
  FmDownloadJob *job;

  job = download_as (fx, file, "Photos/2024/a.txt", folder);
  g_assert_cmpint (fm_download_job_get_state (job), ==, FM_DOWNLOAD_STATE_DONE);
  g_assert_cmpstr (fm_download_job_get_path (job), ==, expected);

  job = download_as (fx, file, "../../escape/./b.txt", folder);
  g_assert_cmpint (fm_download_job_get_state (job), ==, FM_DOWNLOAD_STATE_DONE);
  g_assert_cmpstr (fm_download_job_get_path (job), ==, escaped);
  g_assert_false (g_file_test (not_escaped, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  job = download_as (fx, file, "Linked\\d.txt", folder);
  g_assert_cmpint (fm_download_job_get_state (job), ==, FM_DOWNLOAD_STATE_FAILED);
  g_assert_nonnull (strstr (fm_download_job_get_error (job)->message, "not a folder"));
  g_assert_false (g_file_test (through_link, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (fm_test_count_entries (outside), ==, 0);
}

/* A folder that cannot be made is a sentence, and no entry. */
static void
test_download_folder_refused (Fixture *fx, gconstpointer data)
{
  g_autoptr(FmTransferFile) file = upload_one (fx, "a.txt", 10);
  g_autofree char *blocker = g_build_filename (fx->f.root, "blocker", NULL);
  g_autofree char *folder = g_build_filename (blocker, "inside", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "a file, not a folder", -1, NULL));
  g_assert_null (fm_session_download (fx->session, file, folder, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Cannot create the download folder"));
  g_assert_cmpuint (g_list_model_get_n_items (fm_session_get_downloads (fx->session)), ==, 0);
}

/* A job saved while another server was in use waits on disk: this
 * session's queue neither shows nor touches it. */
static void
test_queue_keeps_to_its_server (Fixture *fx, gconstpointer data)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (fx->f.root, "x.txt", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(JsonObject) mine = NULL, theirs = NULL;
  FmQueueStore *store = fm_upload_queue_get_store (fm_session_get_queue (fx->session));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmSession) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *theirs_path = NULL;

  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  mine = fm_upload_job_to_json (job);
  g_assert_cmpstr (json_object_get_string_member (mine, "server"), ==, fx->f.url);
  theirs = fm_upload_job_to_json (job);
  json_object_set_string_member (theirs, "id", "00000000-0000-4000-8000-000000000001");
  json_object_set_string_member (theirs, "server", "https://files.example.com");
  fm_queue_store_save (store, fm_upload_job_get_id (job), mine);
  fm_queue_store_save (store, "00000000-0000-4000-8000-000000000001", theirs);
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&result), &error));

  next = new_session (fx);
  g_assert_true (fm_upload_queue_load (fm_session_get_queue (next), &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fm_session_get_queue (next))), ==, 1);
  g_assert_nonnull (fm_upload_queue_find (fm_session_get_queue (next), fm_upload_job_get_id (job)));
  theirs_path = g_build_filename (fm_queue_store_get_directory (store),
                                  "00000000-0000-4000-8000-000000000001.json", NULL);
  g_assert_true (g_file_test (theirs_path, G_FILE_TEST_IS_REGULAR));
}

static gboolean
run_upload (FmUploadJob *job, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_upload_job_run_async (job, NULL, fm_test_async_cb, &result);
  return fm_upload_job_run_finish (job, fm_test_await (&result), error);
}

static FmTransfer *
get_transfer (Fixture *fx, const char *id, const char *password, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  FmClient *client = fm_session_get_client (fx->session);

  fm_client_transfer_get_async (client, id, password, NULL, fm_test_async_cb, &result);
  return fm_client_transfer_get_finish (client, fm_test_await (&result), error);
}

static void
expire_when_initialized_cb (FmUploadJob *job, GParamSpec *pspec, Fixture *fx)
{
  if (fm_upload_job_get_transfer_id (job) != NULL)
    fm_test_server_expire_transfer (fx->f.server, fm_upload_job_get_transfer_id (job));
}

/* A transfer the server no longer knows cannot be retried, only sent
 * again: the same files (as they are now), recipients and subject, in a
 * new transfer, in the old one's place. Its password was forgotten once
 * the first transfer existed, so the caller supplies it again. */
static void
test_send_again (Fixture *fx, gconstpointer data)
{
  FmUploadQueue *queue = fm_session_get_queue (fx->session);
  FmQueueStore *store = fm_upload_queue_get_store (queue);
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *folder = g_build_filename (fx->f.root, "Photos", NULL);
  g_autofree char *a = g_build_filename (folder, "a.jpg", NULL);
  g_autofree char *b = g_build_filename (fx->f.root, "notes.txt", NULL);
  const char *paths[] = { folder, b, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(FmUploadJob) loaded = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  FmUploadJob *again;
  JsonObject *saved_options;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (a, "first photo", -1, NULL));
  g_assert_true (g_file_set_contents (b, "notes", -1, NULL));
  options->to = g_strdup ("bob@example.com");
  options->subject = g_strdup ("Holiday");
  options->message = g_strdup ("From the trip");
  options->password = g_strdup ("hunter2");
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  fm_upload_queue_add (queue, job);
  g_signal_connect (job, "notify::transfer-id", G_CALLBACK (expire_when_initialized_cb), fx);
  g_assert_false (run_upload (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED);
  g_clear_error (&error);
  g_assert_true (fm_upload_job_needs_new_transfer (job));
  g_assert_true (fm_upload_job_had_password (job));

  /* saved: the sources and that it had a password, never the password */
  saved = fm_upload_job_to_json (job);
  saved_options = json_object_get_object_member (saved, "options");
  g_assert_false (json_object_has_member (saved_options, "password"));
  g_assert_true (json_object_get_boolean_member (saved, "protected"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (saved, "sources")), ==, 2);
  loaded = fm_upload_job_new_from_json (fm_session_get_client (fx->session), saved, &error);
  g_assert_no_error (error);
  g_assert_true (fm_upload_job_needs_new_transfer (loaded));
  g_assert_true (fm_upload_job_had_password (loaded));
  g_assert_cmpstrv (fm_upload_job_get_sources (loaded), paths);

  /* a retry cannot mend it: the transfer is still gone */
  fm_upload_job_retry (job);
  g_assert_false (run_upload (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED);
  g_clear_error (&error);

  /* the files as they are now go */
  g_assert_true (g_file_set_contents (a, "the photo, edited since", -1, NULL));
  g_signal_handlers_disconnect_by_func (job, expire_when_initialized_cb, fx);
  again = fm_upload_queue_send_again (queue, job, "hunter3");
  g_assert_nonnull (again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 1);
  g_assert_true (fm_upload_queue_find (queue, fm_upload_job_get_id (again)) == again);
  g_assert_null (fm_upload_queue_find (queue, fm_upload_job_get_id (job)));
  g_assert_cmpstr (fm_upload_job_get_id (again), !=, fm_upload_job_get_id (job));
  g_assert_true (fm_upload_job_had_password (again));
  g_assert_true (run_upload (again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fm_upload_job_get_transfer_id (again), !=, fm_upload_job_get_transfer_id (job));

  /* protected by the new password, with the old message (transfer/get
   * shows no subject) and today's files */
  g_assert_null (get_transfer (fx, fm_upload_job_get_transfer_id (again), NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  transfer = get_transfer (fx, fm_upload_job_get_transfer_id (again), "hunter3", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fm_transfer_get_message (transfer), ==, "From the trip");
  g_assert_cmpstr (fm_upload_job_get_options (again)->subject, ==, "Holiday");
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (transfer)), ==, 2);
  g_assert_cmpint (fm_transfer_get_size (transfer), ==, strlen ("the photo, edited since") + strlen ("notes"));

  /* the failed one is gone from the disk too */
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&result), &error));
  {
    g_autofree char *name = g_strdup_printf ("%s.json", fm_upload_job_get_id (job));
    g_autofree char *old = g_build_filename (fm_queue_store_get_directory (store), name, NULL);

    g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  }
}

/* A file that changed under a transfer ends it (its size was announced);
 * that is also a case for Send Again, and stays one after a restart. */
static void
test_changed_file_needs_new_transfer (Fixture *fx, gconstpointer data)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (fx->f.root, "x.txt", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(FmUploadJob) loaded = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  saved = fm_upload_job_to_json (job);
  json_object_set_string_member (saved, "state", "failed");
  json_object_set_int_member (saved, "errorcode", FM_ERROR_FILE_CHANGED);
  json_object_set_string_member (saved, "error", "“x.txt” changed while it was being sent.");
  loaded = fm_upload_job_new_from_json (fm_session_get_client (fx->session), saved, &error);
  g_assert_no_error (error);
  g_assert_error (fm_upload_job_get_error (loaded), FM_ERROR, FM_ERROR_FILE_CHANGED);
  g_assert_true (fm_upload_job_needs_new_transfer (loaded));
  g_assert_false (fm_upload_job_had_password (loaded));
  /* a network failure is for Try Again */
  json_object_set_int_member (saved, "errorcode", FM_ERROR_UPLOAD_FAILED);
  g_clear_object (&loaded);
  loaded = fm_upload_job_new_from_json (fm_session_get_client (fx->session), saved, &error);
  g_assert_no_error (error);
  g_assert_false (fm_upload_job_needs_new_transfer (loaded));
  /* a hostile code is nobody's */
  json_object_set_int_member (saved, "errorcode", G_MAXINT64);
  g_clear_object (&loaded);
  loaded = fm_upload_job_new_from_json (fm_session_get_client (fx->session), saved, &error);
  g_assert_no_error (error);
  g_assert_error (fm_upload_job_get_error (loaded), FM_ERROR, FM_ERROR_UPLOAD_FAILED);
  /* sources that are not paths make the file damaged */
  json_object_set_array_member (saved, "sources", json_array_new ());
  json_array_add_int_element (json_object_get_array_member (saved, "sources"), 7);
  g_clear_object (&loaded);
  loaded = fm_upload_job_new_from_json (fm_session_get_client (fx->session), saved, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

typedef struct {
  guint       received;
  guint       arrived;
  guint       skipped;
  char       *skipped_subject;   /* the last one's; "" when only its id was known */
  char       *folder;
  guint       saved;
} Seen;

static void
received_cb (FmAutomation *a, FmTransfer *t, Seen *seen)
{
  seen->received++;
}

static void
arrived_cb (FmAutomation *a, FmTransfer *t, const char *folder, guint saved, guint failed, Seen *seen)
{
  seen->arrived++;
  g_free (seen->folder);
  seen->folder = g_strdup (folder);
  seen->saved = saved;
  g_assert_cmpuint (failed, ==, 0);
}

static void
skipped_cb (FmAutomation *a, FmTransfer *t, Seen *seen)
{
  seen->skipped++;
  g_free (seen->skipped_subject);
  seen->skipped_subject = g_strdup (fm_transfer_get_subject (t) != NULL ? fm_transfer_get_subject (t) : "");
}

static void
seed (Fixture *fx, const char *subject, const char *password, const char *filename)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fm_test_server_seed (fx->f.server, "bob@example.com", "alice@example.com", 1, subject,
                                      password, filename, &error));
  g_assert_no_error (error);
}

static void
await_count (guint *counter, guint value)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*counter < value)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static FmAutomation *
new_automation (Fixture *fx, Seen *seen)
{
  g_autofree char *state = g_build_filename (fx->state, "auto-downloads.json", NULL);
  FmAutomation *a = fm_automation_new (fx->session, state);

  g_signal_connect (a, "received", G_CALLBACK (received_cb), seen);
  g_signal_connect (a, "arrived", G_CALLBACK (arrived_cb), seen);
  g_signal_connect (a, "skipped", G_CALLBACK (skipped_cb), seen);
  fm_automation_set_auto_download (a, TRUE);
  return a;
}

/* An automation may outlive the test's reference (its requests hold it):
 * it must not report to a Seen that is gone. */
static void
drop_automation (FmAutomation **a, Seen *seen)
{
  if (*a != NULL)
    g_signal_handlers_disconnect_by_data (*a, seen);
  g_clear_object (a);
  g_clear_pointer (&seen->folder, g_free);
  g_clear_pointer (&seen->skipped_subject, g_free);
}

static gboolean
await_idle_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets answers in flight arrive: a few round trips to the local server. */
static void
settle (void)
{
  for (int i = 0; i < 20; i++)
    {
      gboolean done = FALSE;

      g_timeout_add (10, await_idle_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct {
  guint  too_large;
  guint  no_room;
  char  *id;
  char  *sentence;
} Asked;

static void
too_large_cb (FmAutomation *a, FmTransfer *t, gint64 size, Asked *asked)
{
  asked->too_large++;
  g_free (asked->id);
  asked->id = g_strdup (fm_transfer_get_id (t));
  g_assert_cmpint (size, >, 0);
}

static void
no_room_cb (FmAutomation *a, FmTransfer *t, const char *sentence, Asked *asked)
{
  asked->no_room++;
  g_free (asked->sentence);
  asked->sentence = g_strdup (sentence);
}

/* Nobody asked for an automatic download: above the size limit it waits
 * for the user's Download (or Skip); one that would not leave the disk's
 * margin free is not downloaded at all, and says why. */
static void
test_automatic_download_limits (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *downloads = g_build_filename (fx->f.root, "Downloads", NULL);
  FmAutomation *a = NULL;
  Seen seen = { 0 };
  Asked asked = { 0 };

  fm_session_set_download_folder (fx->session, downloads);
  g_assert_true (log_in (fx->session, "alice@example.com", "alice-password", &error));
  a = new_automation (fx, &seen);
  g_signal_connect (a, "too-large", G_CALLBACK (too_large_cb), &asked);
  g_signal_connect (a, "no-room", G_CALLBACK (no_room_cb), &asked);
  settle ();
  fm_automation_set_max_size (a, 3);   /* bytes: "seed 0\n" is 7 */
  seed (fx, "Big", NULL, "big.bin");
  fm_automation_check_now (a);
  await_count (&asked.too_large, 1);
  settle ();
  g_assert_cmpuint (seen.arrived, ==, 0);
  g_assert_false (g_file_test (downloads, G_FILE_TEST_EXISTS) && fm_test_count_entries (downloads) > 0);
  /* the user says Download */
  g_assert_true (fm_automation_download_anyway (a, asked.id, &error));
  g_assert_no_error (error);
  await_count (&seen.arrived, 1);
  g_assert_false (fm_automation_download_anyway (a, asked.id, NULL));   /* once */
  /* Skip drops one */
  seed (fx, "Bigger", NULL, "bigger.bin");
  fm_automation_check_now (a);
  await_count (&asked.too_large, 2);
  fm_automation_skip (a, asked.id);
  g_assert_false (fm_automation_download_anyway (a, asked.id, NULL));
  /* no room: 100 MB free is less than the automatic margin */
  fm_automation_set_max_size (a, 0);
  g_setenv ("FILEMAIL_FREE_SPACE", "100000000", TRUE);
  seed (fx, "Roomless", NULL, "roomless.bin");
  fm_automation_check_now (a);
  await_count (&asked.no_room, 1);
  g_unsetenv ("FILEMAIL_FREE_SPACE");
  g_test_message ("%s", asked.sentence);
  g_assert_nonnull (strstr (asked.sentence, "free on Downloads"));
  g_assert_cmpuint (seen.arrived, ==, 1);
  g_signal_handlers_disconnect_by_data (a, &asked);
  drop_automation (&a, &seen);
  g_free (asked.id);
  g_free (asked.sentence);
}

/* New transfers are found with received/get's "from", downloaded into a
 * folder each (a password-protected one is left for the user), found
 * once only, even by the next run; on a metered connection they wait
 * until "Send Anyway" or a connection that is not metered, and so do the
 * uploads resumed at start. */
static void
test_automatic_downloads (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *downloads = g_build_filename (fx->f.root, "Downloads", NULL);
  g_autofree char *state = g_build_filename (fx->state, "auto-downloads.json", NULL);
  g_autofree char *photo = NULL, *text = NULL;
  FmAutomation *a = NULL;
  FmAutomation *again = NULL;
  FmAutomation *third = NULL;
  g_autoptr(FmFakeNetworkMonitor) monitor = fm_fake_network_monitor_new ();
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (fx->f.root, "up.txt", NULL);
  const char *paths[] = { path, NULL };
  Seen seen = { 0 }, seen2 = { 0 }, seen3 = { 0 };
  struct stat st;

  fm_session_set_download_folder (fx->session, downloads);
  g_assert_true (log_in (fx->session, "alice@example.com", "alice-password", &error));
  a = new_automation (fx, &seen);
  settle ();
  g_assert_cmpuint (seen.received, ==, 0);   /* what was there before is not new */
  seed (fx, "Holiday", NULL, "photo.jpg");
  seed (fx, "Secret", "hunter2", "secret.txt");
  fm_automation_check_now (a);
  await_count (&seen.arrived, 1);
  await_count (&seen.skipped, 1);
  g_assert_cmpstr (seen.skipped_subject, ==, "Secret 0");
  g_assert_cmpuint (seen.received, ==, 2);
  g_assert_cmpuint (seen.saved, ==, 1);
  g_assert_true (g_str_has_prefix (seen.folder, downloads));
  photo = g_build_filename (seen.folder, "photo.jpg", NULL);
  g_assert_true (g_file_get_contents (photo, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "seed 0\n");
  g_assert_cmpuint (g_list_model_get_n_items (fm_automation_get_skipped (a)), ==, 1);
  g_assert_cmpint (stat (state, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* found once: not again, and not by the next run */
  fm_automation_check_now (a);
  settle ();
  g_assert_cmpuint (seen.received, ==, 2);
  drop_automation (&a, &seen);
  again = new_automation (fx, &seen2);
  fm_automation_check_now (again);
  settle ();
  g_assert_cmpuint (seen2.received, ==, 0);

  /* metered: found and announced, downloaded only when allowed */
  fm_session_set_network_monitor (fx->session, G_NETWORK_MONITOR (monitor));
  fm_fake_network_monitor_set_metered (monitor, TRUE);
  g_assert_true (fm_automation_is_metered (again));
  seed (fx, "Metered", NULL, "big.iso");
  fm_automation_check_now (again);
  await_count (&seen2.received, 1);
  settle ();
  g_assert_cmpuint (seen2.arrived, ==, 0);
  g_assert_true (fm_automation_get_downloads_waiting (again));
  g_assert_true (fm_automation_is_held (again));
  fm_automation_go_anyway (again);
  await_count (&seen2.arrived, 1);
  g_assert_false (fm_automation_is_held (again));
  g_assert_true (g_str_has_suffix (seen2.folder, "Metered 0"));

  /* uploads resumed at start wait too, until the connection is not metered */
  fm_fake_network_monitor_set_metered (monitor, FALSE);
  fm_fake_network_monitor_set_metered (monitor, TRUE);   /* a new metered connection: no "anyway" */
  g_assert_true (g_file_set_contents (path, "up", -1, NULL));
  job = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);
  fm_upload_queue_add (fm_session_get_queue (fx->session), job);
  fm_upload_job_pause (job);
  fm_automation_resume_uploads (again);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_PAUSED);
  g_assert_true (fm_upload_job_get_held (job));
  g_assert_cmpuint (fm_automation_get_n_held_uploads (again), ==, 1);
  g_assert_true (fm_automation_is_held (again));
  fm_fake_network_monitor_set_metered (monitor, FALSE);
  g_assert_false (fm_upload_job_get_held (job));
  g_assert_cmpint (fm_upload_job_get_state (job), !=, FM_UPLOAD_STATE_PAUSED);
  g_assert_false (fm_automation_is_held (again));
  g_assert_true (run_upload (job, &error));   /* done before the session goes */
  g_assert_no_error (error);

  /* a saved job this installation did not seal (planted, restored,
   * synced) waits for the user: resume at start leaves it paused */
  {
    g_autoptr(FmUploadJob) planted = fm_upload_job_new (fm_session_get_client (fx->session), options, paths);

    fm_upload_queue_add (fm_session_get_queue (fx->session), planted);
    fm_upload_job_pause (planted);
    fm_upload_job_set_unconfirmed (planted, TRUE);
    fm_automation_resume_uploads (again);
    settle ();
    g_assert_cmpint (fm_upload_job_get_state (planted), ==, FM_UPLOAD_STATE_PAUSED);
    g_assert_false (fm_upload_job_get_held (planted));
    g_assert_true (fm_upload_job_get_unconfirmed (planted));
    /* the user's Resume sends it */
    fm_upload_job_resume (planted);
    g_assert_false (fm_upload_job_get_unconfirmed (planted));
    g_assert_true (run_upload (planted, &error));
    g_assert_no_error (error);
  }

  /* a password-protected one found while metered waits as an id; the
   * next run, knowing nothing of it but the id, cannot open it either and
   * says so instead of dropping it in silence */
  fm_fake_network_monitor_set_metered (monitor, TRUE);
  seed (fx, "Locked", "sesame", "locked.txt");
  fm_automation_check_now (again);
  await_count (&seen2.received, 2);
  settle ();
  g_assert_cmpuint (seen2.skipped, ==, 0);
  g_assert_true (fm_automation_get_downloads_waiting (again));
  drop_automation (&again, &seen2);
  fm_fake_network_monitor_set_metered (monitor, FALSE);
  third = new_automation (fx, &seen3);
  fm_automation_check_now (third);
  await_count (&seen3.skipped, 1);
  g_assert_cmpstr (seen3.skipped_subject, ==, "");
  g_assert_cmpuint (seen3.received, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (fm_automation_get_skipped (third)), ==, 1);
  fm_session_set_network_monitor (fx->session, NULL);
  drop_automation (&third, &seen3);
}

/* The file of the last look is read as hostile: damaged, nested, of the
 * wrong types, a link: none of it breaks a check; the next save writes
 * a good one. */
static void
test_automation_state_hostile (Fixture *fx, gconstpointer data)
{
  g_autofree char *state = g_build_filename (fx->state, "auto-downloads.json", NULL);
  g_autofree char *target = g_build_filename (fx->f.root, "elsewhere.json", NULL);
  const char *bad[] = {
    "{", "[]", "{\"version\": 99, \"accounts\": {}}", "{\"accounts\": []}",
    "{\"accounts\": {\"x\": {\"mark\": \"soon\", \"seen\": {}, \"pending\": [1, null, \"\"]}}}",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (log_in (fx->session, "alice@example.com", "alice-password", &error));
  g_mkdir_with_parents (fx->state, 0700);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      Seen seen = { 0 };
      FmAutomation *a = NULL;

      g_assert_true (g_file_set_contents (state, bad[i], -1, NULL));
      a = new_automation (fx, &seen);
      seed (fx, "Fresh", NULL, "f.txt");
      fm_automation_check_now (a);
      await_count (&seen.arrived, 1);
      drop_automation (&a, &seen);
    }
  /* a link planted in its place is not followed for reading */
  g_assert_cmpint (g_unlink (state), ==, 0);
  g_assert_true (g_file_set_contents (target, "{\"accounts\": {}}", -1, NULL));
  g_assert_cmpint (symlink (target, state), ==, 0);
  {
    Seen seen = { 0 };
    FmAutomation *a = new_automation (fx, &seen);

    fm_automation_check_now (a);
    settle ();
    drop_automation (&a, &seen);
  }
}

int
main (int argc, char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("fm-session-XXXXXX", NULL);
  int status;

  /* no Secret Service: logins are kept in the 0600 file under @state
   * (GLib reads XDG_STATE_HOME once, so once for all tests; each test's
   * server has its own port, so its own file) */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/session/login-keep-restore-logout", Fixture, NULL, setup, test_login_keep_restore_logout, teardown);
  g_test_add ("/session/expired-login", Fixture, NULL, setup, test_expired_login, teardown);
  g_test_add ("/session/downloads", Fixture, NULL, setup, test_downloads, teardown);
  g_test_add ("/session/queue-keeps-to-its-server", Fixture, NULL, setup, test_queue_keeps_to_its_server, teardown);
  g_test_add ("/session/download-keeps-folders", Fixture, NULL, setup, test_download_keeps_folders, teardown);
  g_test_add ("/session/download-folder-refused", Fixture, NULL, setup, test_download_folder_refused, teardown);
  g_test_add ("/session/send-again", Fixture, NULL, setup, test_send_again, teardown);
  g_test_add ("/session/changed-file-needs-new-transfer", Fixture, NULL, setup,
              test_changed_file_needs_new_transfer, teardown);
  g_test_add ("/session/automatic-downloads", Fixture, NULL, setup, test_automatic_downloads, teardown);
  g_test_add ("/session/automatic-download-limits", Fixture, NULL, setup, test_automatic_download_limits, teardown);
  g_test_add ("/session/automation-state-hostile", Fixture, NULL, setup, test_automation_state_hostile, teardown);
  status = g_test_run ();
  fm_test_rm_rf (state);
  return status;
}
