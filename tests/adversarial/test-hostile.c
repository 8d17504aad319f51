/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hostile.c: the client against a hostile server, a hostile download
 * folder and hostile saved state. Every case here was reproduced against
 * the client before it was fixed (the hardening issue lists them); each
 * test fails on that code. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-chunk-io.h"
#include "fm-chunk-sender.h"
#include "fm-download-job.h"
#include "fm-error.h"
#include "fm-format.h"
#include "fm-json.h"
#include "fm-queue-store.h"
#include "fm-response.h"
#include "fm-retry-policy.h"
#include "fm-test-util.h"
#include "fm-upload-job.h"
#include "fm-upload-queue.h"

#define CHUNK 1000

/* ----------------------------------------------------------- helpers */

static char *
make_file (const char *dir,
           const char *name,
           gsize       size,
           char        fill)
{
  g_autofree char *data = g_malloc (size);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  memset (data, fill, size);
  for (gsize i = 0; i < size; i += 97)
    data[i] = (char) ('a' + (i / 97) % 26);
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

static FmRetryPolicy *
quick_policy (void)
{
  return g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 5, "base-delay-ms", 1, "max-delay-ms", 10, NULL);
}

/* Uploads @path as a transfer of its own and returns that transfer as
 * transfer/get describes it (files with ids and download addresses). */
static FmTransfer *
upload (FmTestFixture *f,
        const char    *path)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(FmRetryPolicy) policy = quick_policy ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) got = NULL;
  g_autoptr(GError) error = NULL;
  FmTransfer *transfer;

  fm_test_config (f, "min_chunk_size", "1");
  job = fm_upload_job_new (f->client, options, paths);
  fm_upload_job_set_chunk_size (job, CHUNK * 100);
  fm_upload_job_set_retry_policy (job, policy);
  fm_upload_job_run_async (job, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_upload_job_run_finish (job, fm_test_await (&result), &error));
  g_assert_no_error (error);
  fm_client_transfer_get_async (f->client, fm_upload_job_get_transfer_id (job), NULL, NULL,
                                fm_test_async_cb, &got);
  transfer = fm_client_transfer_get_finish (f->client, fm_test_await (&got), &error);
  g_assert_no_error (error);
  return transfer;
}

static FmTransferFile *
first_file (FmTransfer *transfer)
{
  return g_list_model_get_item (fm_transfer_get_files (transfer), 0);
}

static FmDownloadJob *
new_download (FmTestFixture  *f,
              FmTransferFile *file,
              const char     *dir)
{
  g_autoptr(FmRetryPolicy) policy = quick_policy ();
  FmDownloadJob *job = fm_download_job_new_for_file (fm_client_get_session (f->client), file, dir);

  fm_download_job_set_retry_policy (job, policy);
  return job;
}

static gboolean
run_download (FmDownloadJob  *job,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_download_job_run_async (job, NULL, fm_test_async_cb, &result);
  return fm_download_job_run_finish (job, fm_test_await (&result), error);
}

static char *
part_path_of (FmTransferFile *file,
              const char     *dir)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", fm_transfer_file_get_transfer_id (file),
                                          fm_transfer_file_get_id (file));
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *safe = fm_download_safe_name (fm_transfer_file_get_filename (file));
  g_autofree char *name = g_strdup_printf ("%s.%.16s.part", safe, hash);

  return g_build_filename (dir, name, NULL);
}

static void
assert_same_contents (const char *a,
                      const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;

  g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
  g_assert_cmpuint (nx, ==, ny);
  g_assert_true (memcmp (x, y, nx) == 0);
}

/* -------------------------------------------------- the download folder */

/* A symlink planted under the .part's name must not redirect the bytes:
 * the victim keeps its content, the download lands as a regular file. */
static void
test_planted_symlink (FmTestFixture *f,
                      gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "report.pdf", 5 * CHUNK, 'r');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autofree char *victim = make_file (f->root, "victim", 10, 'v');
  g_autofree char *dangling = g_build_filename (f->root, "created-by-attacker", NULL);
  g_autofree char *part = part_path_of (file, dir);
  g_autoptr(FmDownloadJob) job = new_download (f, file, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  struct stat st;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (symlink (victim, part), ==, 0);
  g_test_expect_message ("fm-download-part", G_LOG_LEVEL_WARNING, "Something was planted*");
  g_assert_true (run_download (job, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "avvvvvvvvv");   /* untouched (make_file marks index 0) */
  g_assert_cmpint (lstat (fm_download_job_get_path (job), &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_nlink, ==, 1);
  assert_same_contents (src, fm_download_job_get_path (job));

  /* a dangling link must not create its target either */
  g_unlink (fm_download_job_get_path (job));
  g_clear_object (&job);
  job = new_download (f, file, dir);
  g_assert_cmpint (symlink (dangling, part), ==, 0);
  g_test_expect_message ("fm-download-part", G_LOG_LEVEL_WARNING, "Something was planted*");
  g_assert_true (run_download (job, &error));
  g_test_assert_expected_messages ();
  g_assert_false (g_file_test (dangling, G_FILE_TEST_EXISTS));
}

/* A hard link to a file elsewhere (same file system) is not written
 * through either. */
static void
test_planted_hard_link (FmTestFixture *f,
                        gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "notes.txt", 3 * CHUNK, 'n');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autofree char *victim = make_file (f->root, "victim", 10, 'v');
  g_autofree char *part = part_path_of (file, dir);
  g_autoptr(FmDownloadJob) job = new_download (f, file, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (link (victim, part), ==, 0);
  g_test_expect_message ("fm-download-part", G_LOG_LEVEL_WARNING, "Something was planted*");
  g_assert_true (run_download (job, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "avvvvvvvvv");
  assert_same_contents (src, fm_download_job_get_path (job));
}

/* A .part left by a stopped download of another transfer's file of the
 * same name is not resumed into this one. */
static void
test_no_splice_across_transfers (FmTestFixture *f,
                                 gconstpointer  data)
{
  g_autofree char *a_dir = g_build_filename (f->root, "a", NULL);
  g_autofree char *b_dir = g_build_filename (f->root, "b", NULL);
  g_autofree char *a = make_file (a_dir, "invoice.pdf", 6 * CHUNK, 'A');
  g_autofree char *b = make_file (b_dir, "invoice.pdf", 6 * CHUNK, 'B');
  g_autoptr(FmTransfer) ta = upload (f, a);
  g_autoptr(FmTransfer) tb = upload (f, b);
  g_autoptr(FmTransferFile) fa = first_file (ta);
  g_autoptr(FmTransferFile) fb = first_file (tb);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autofree char *old_part = part_path_of (fa, dir);
  g_autoptr(FmDownloadJob) job = new_download (f, fb, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *half = g_strnfill (3 * CHUNK, 'A');

  /* a stopped download of A, half done */
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (old_part, half, -1, NULL));
  g_assert_true (run_download (job, &error));
  g_assert_no_error (error);
  assert_same_contents (b, fm_download_job_get_path (job));
  g_assert_true (g_file_test (old_part, G_FILE_TEST_EXISTS));   /* A's progress is kept for A */
}

typedef struct {
  guint  pending;
  GError *errors[2];
} Pair;

static void
pair_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pair *pair = user_data;
  guint i = GPOINTER_TO_UINT (g_object_get_data (source, "index"));

  fm_download_job_run_finish (FM_DOWNLOAD_JOB (source), result, &pair->errors[i]);
  pair->pending--;
}

static void
run_pair (FmDownloadJob *one,
          FmDownloadJob *two,
          Pair          *pair)
{
  pair->pending = 2;
  g_object_set_data (G_OBJECT (one), "index", GUINT_TO_POINTER (0));
  g_object_set_data (G_OBJECT (two), "index", GUINT_TO_POINTER (1));
  fm_download_job_run_async (one, NULL, pair_done_cb, pair);
  fm_download_job_run_async (two, NULL, pair_done_cb, pair);
  while (pair->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Two transfers both holding "invoice.pdf", downloaded at once into one
 * folder: each ends as its own bytes under its own name. */
static void
test_same_name_at_once (FmTestFixture *f,
                        gconstpointer  data)
{
  g_autofree char *a_dir = g_build_filename (f->root, "a", NULL);
  g_autofree char *b_dir = g_build_filename (f->root, "b", NULL);
  g_autofree char *a = make_file (a_dir, "invoice.pdf", 300 * CHUNK, 'A');
  g_autofree char *b = make_file (b_dir, "invoice.pdf", 200 * CHUNK, 'B');
  g_autoptr(FmTransfer) ta = upload (f, a);
  g_autoptr(FmTransfer) tb = upload (f, b);
  g_autoptr(FmTransferFile) fa = first_file (ta);
  g_autoptr(FmTransferFile) fb = first_file (tb);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmDownloadJob) ja = new_download (f, fa, dir);
  g_autoptr(FmDownloadJob) jb = new_download (f, fb, dir);
  Pair pair = { 0 };

  run_pair (ja, jb, &pair);
  g_assert_no_error (pair.errors[0]);
  g_assert_no_error (pair.errors[1]);
  g_assert_cmpstr (fm_download_job_get_path (ja), !=, fm_download_job_get_path (jb));
  assert_same_contents (a, fm_download_job_get_path (ja));
  assert_same_contents (b, fm_download_job_get_path (jb));
  g_assert_cmpuint (fm_test_count_entries (dir), ==, 2);
}

/* The same file twice at once: one downloads, the other is told it is
 * already being downloaded; they never share a .part. */
static void
test_same_file_twice (FmTestFixture *f,
                      gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "movie.mkv", 300 * CHUNK, 'm');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmDownloadJob) one = new_download (f, file, dir);
  g_autoptr(FmDownloadJob) two = new_download (f, file, dir);
  Pair pair = { 0 };

  run_pair (one, two, &pair);
  g_assert_no_error (pair.errors[0]);
  g_assert_error (pair.errors[1], FM_ERROR, FM_ERROR_BUSY);
  g_clear_error (&pair.errors[1]);
  assert_same_contents (src, fm_download_job_get_path (one));
  g_assert_cmpuint (fm_test_count_entries (dir), ==, 1);
}

/* A server that sends more than the size it announced is stopped at that
 * size: nothing larger ever lands on disk, nothing is kept. */
static void
test_oversize_download (FmTestFixture *f,
                        gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "small.bin", 10, 's');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmDownloadJob) job = new_download (f, file, dir);
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "hostile_path", "/api/file/get");
  fm_test_config (f, "hostile", "oversize");
  g_assert_false (run_download (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DOWNLOAD_FAILED);
  g_assert_nonnull (strstr (error->message, "more than the 10 bytes"));
  g_assert_cmpuint (fm_test_count_entries (dir), ==, 0);
  g_assert_cmpint (fm_download_job_get_bytes_received (job), <=, 10);
}

/* No size in transfer/get: download anyway, to the stream's end. */
static void
test_unknown_size (FmTestFixture *f,
                   gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "unknown.bin", 7 * CHUNK, 'u');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmRetryPolicy) policy = quick_policy ();
  g_autoptr(FmDownloadJob) job = fm_download_job_new (fm_client_get_session (f->client),
                                                      fm_transfer_file_get_download_url (file), "unknown.bin",
                                                      -1, dir, "key");
  g_autoptr(FmDownloadJob) no_url = fm_download_job_new (fm_client_get_session (f->client), NULL,
                                                         "x.bin", 5, dir, "key2");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fm_download_job_get_bytes_total (job), ==, -1);
  g_assert_true (run_download (job, &error));
  g_assert_no_error (error);
  assert_same_contents (src, fm_download_job_get_path (job));
  /* and no address at all: a sentence, not a CRITICAL */
  g_assert_false (run_download (no_url, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_DOWNLOAD_FAILED);
}

/* A download redirected to plain http on another host is refused at the
 * hop; API calls follow no redirect at all. */
static void
test_redirects (FmTestFixture *f,
                gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "r.bin", 3 * CHUNK, 'r');
  g_autoptr(FmTransfer) transfer = upload (f, src);
  g_autoptr(FmTransferFile) file = first_file (transfer);
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmDownloadJob) job = new_download (f, file, dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  fm_test_config (f, "hostile", "redirect-http");
  g_assert_false (run_download (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INSECURE_URL);
  g_clear_error (&error);
  fm_client_login_async (f->client, "alice@example.com", "alice-password", NULL, fm_test_async_cb, &result);
  token = fm_client_login_finish (f->client, fm_test_await (&result), &error);
  g_assert_null (token);
  g_assert_error (error, FM_ERROR, FM_ERROR_HTTP_STATUS);
}

/* ------------------------------------------------------------ answers */

static GError *
call_received (FmTestFixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) list = NULL;
  GError *error = NULL;

  fm_client_set_login_token (f->client, "token");
  fm_client_received_get_async (f->client, FALSE, 0, NULL, fm_test_async_cb, &result);
  list = fm_client_received_get_finish (f->client, fm_test_await (&result), &error);
  g_assert_null (list);
  return error;
}

static void
test_nested_answer (FmTestFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) root = NULL;

  fm_test_config (f, "hostile", "nested");
  error = call_received (f);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* the parser itself, also inside an object and inside strings */
  for (int i = 0; i < 100000; i++)
    g_string_append (deep, "{\"a\":");
  body = g_string_free_to_bytes (deep);
  root = fm_response_parse (body, &error);
  g_assert_null (root);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  g_assert_true (fm_json_check_depth ("{\"s\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", 31, 2));
  g_assert_false (fm_json_check_depth ("[[[", 3, 2));
}

static void
test_huge_answers (FmTestFixture *f,
                   gconstpointer  data)
{
  const char *kinds[] = { "huge", "gzip-bomb" };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      long before = fm_test_memory_kib ("VmHWM");
      g_autoptr(GError) error = NULL;

      fm_test_config (f, "hostile", kinds[i]);
      error = call_received (f);
      g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "larger than"));
      /* the answer was cut at 32 MiB: far from the 64 or 256 MiB sent */
      g_test_message ("%s: peak RSS grew %ld KiB", kinds[i], fm_test_memory_kib ("VmHWM") - before);
#ifndef __SANITIZE_ADDRESS__
      /* (AddressSanitizer's shadow memory and quarantine make RSS meaningless) */
      g_assert_cmpint (fm_test_memory_kib ("VmHWM") - before, <, 160 * 1024);
#endif
    }
}

/* A server that answers a byte a second: the call's deadline ends it; a
 * cancel ends it at once. */
static void
test_stalled_server (FmTestFixture *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GListModel) list = NULL;

  fm_test_config (f, "hostile", "stall");
  g_object_set (f->client, "call-timeout", 2, NULL);
  error = call_received (f);
  g_assert_error (error, FM_ERROR, FM_ERROR_TIMED_OUT);
  g_assert_true (fm_retry_policy_classify (0, error) == FM_RETRY_TRANSIENT);
  g_clear_error (&error);

  g_object_set (f->client, "call-timeout", 0, NULL);
  fm_client_received_get_async (f->client, FALSE, 0, cancellable, fm_test_async_cb, &result);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  list = fm_client_received_get_finish (f->client, fm_test_await (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_captive_portal (FmTestFixture *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "hostile", "captive");
  error = call_received (f);
  /* a page that is not JSON at all: not Filemail's answer; tried again
   * (4 attempts here), then said plainly */
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FILEMAIL);
  g_assert_true (fm_retry_policy_classify (0, error) == FM_RETRY_TRANSIENT);
}

/* A storm of 503s (and a captive portal) on every kind of call passes:
 * lists, transfer/get, initialize, complete and downloads try again under
 * the retry policy; a storm that does not pass ends in a plain sentence. */
static void
test_5xx_storm (FmTestFixture *f,
                gconstpointer  data)
{
  const char *paths[] = { "/api/transfer/initialize", "/api/file/add", "/api/transfer/complete" };
  g_autofree char *src = make_file (f->root, "storm.bin", 3 * CHUNK, 's');
  g_autofree char *dir = g_build_filename (f->root, "dl", NULL);
  g_autoptr(FmTransfer) transfer = NULL;
  g_autoptr(FmTransferFile) file = NULL;
  g_autoptr(FmDownloadJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = fm_test_login (f, "bob@example.com");

  /* uploads through 2 × 503 at initialize, at a chunk, at complete */
  fm_test_config (f, "hostile_count", "0");
  fm_test_config (f, "hostile", "http-503");
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(JsonObject) stats = NULL;

      fm_test_config (f, "hostile_path", paths[i]);
      fm_test_config (f, "hostile_count", "2");
      g_clear_object (&transfer);
      transfer = upload (f, src);   /* asserts success */
      stats = fm_test_stats (f);
      g_test_message ("503 × 2 at %s: the upload went through", paths[i]);
    }
  fm_test_config (f, "hostile_count", "0");
  file = first_file (transfer);

  /* lists and transfer/get: 2 × 503, then 2 captive-portal pages */
  for (const char *const *kind = (const char *[]) { "http-503", "captive", NULL }; *kind; kind++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GListModel) list = NULL;

      fm_test_config (f, "hostile_path", "/api/transfer/received/get");
      fm_test_config (f, "hostile", *kind);
      fm_test_config (f, "hostile_count", "2");
      fm_client_received_get_async (f->client, FALSE, 0, NULL, fm_test_async_cb, &result);
      list = fm_client_received_get_finish (f->client, fm_test_await (&result), &error);
      g_assert_no_error (error);
      g_assert_nonnull (list);
    }

  /* a download through 2 × 503 */
  fm_test_config (f, "hostile_path", "/api/file/get");
  fm_test_config (f, "hostile", "http-503");
  fm_test_config (f, "hostile_count", "2");
  job = new_download (f, file, dir);
  g_assert_true (run_download (job, &error));
  g_assert_no_error (error);
  assert_same_contents (src, fm_download_job_get_path (job));

  /* a storm that never passes: the sentence, after the attempts */
  fm_test_config (f, "hostile_path", "/api/transfer/received/get");
  fm_test_config (f, "hostile_count", "-1");
  error = call_received (f);
  g_assert_error (error, FM_ERROR, FM_ERROR_SERVER_UNAVAILABLE);
  g_assert_true (g_str_has_prefix (error->message, "The server is not available right now"));
}

/* The upload host answering with a nested body: the job fails with a
 * sentence, and its saved state loads again (the resume does not crash). */
static void
test_nested_upload_answer (FmTestFixture *f,
                           gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "a.bin", 3 * CHUNK, 'a');
  g_autofree char *state = g_build_filename (f->root, "state", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (state);
  g_autoptr(FmUploadQueue) queue = fm_upload_queue_new (f->client, store);
  g_autoptr(FmUploadQueue) again = NULL;
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  const char *paths[] = { src, NULL };
  g_autoptr(FmUploadJob) job = fm_upload_job_new (f->client, options, paths);
  g_autoptr(FmRetryPolicy) policy = quick_policy ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "hostile_path", "/api/file/add");
  fm_test_config (f, "hostile", "nested");
  fm_upload_job_set_chunk_size (job, CHUNK);
  fm_upload_job_set_retry_policy (job, policy);
  fm_upload_queue_add (queue, job);
  fm_upload_job_run_async (job, NULL, fm_test_async_cb, &result);
  g_assert_false (fm_upload_job_run_finish (job, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &flushed);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&flushed), NULL));
  again = fm_upload_queue_new (f->client, store);
  g_clear_error (&error);
  g_assert_true (fm_upload_queue_load (again, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
}

/* complete carried out, its answer lost: the retry gets 3100, the job asks
 * transfer/get and ends done, with the link. */
static void
test_lost_complete_answer (FmTestFixture *f,
                           gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "done.bin", 2 * CHUNK, 'd');
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  const char *paths[] = { src, NULL };
  g_autoptr(FmUploadJob) job = fm_upload_job_new (f->client, options, paths);
  g_autoptr(FmRetryPolicy) policy = quick_policy ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "hostile_path", "/api/transfer/complete");
  fm_test_config (f, "hostile_count", "1");
  fm_test_config (f, "hostile", "drop-answer");
  fm_upload_job_set_chunk_size (job, CHUNK);
  fm_upload_job_set_retry_policy (job, policy);
  fm_upload_job_run_async (job, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_upload_job_run_finish (job, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_DONE);
  g_assert_nonnull (strstr (fm_upload_job_get_download_url (job), fm_upload_job_get_transfer_id (job)));
}

/* An upload source replaced by a FIFO after it was queued: the read
 * refuses it at once instead of waiting forever for a writer. */
static void
test_fifo_swap (FmTestFixture *f,
                gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "data.bin", 10, 'd');
  FmBufferPool *pool = fm_buffer_pool_new (CHUNK, 1, NULL, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmChunkData) chunk = NULL;
  struct stat st;

  g_assert_cmpint (stat (src, &st), ==, 0);
  g_assert_cmpint (g_unlink (src), ==, 0);
  g_assert_cmpint (mkfifo (src, 0600), ==, 0);
  fm_chunk_read_async (pool, src, 0, 10, 10, (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000,
                       NULL, fm_test_async_cb, &result);
  chunk = fm_chunk_read_finish (fm_test_await (&result), &error);
  g_assert_null (chunk);
  g_assert_error (error, FM_ERROR, FM_ERROR_FILE_CHANGED);
  fm_buffer_pool_unref (pool);
}

/* ------------------------------------------------------ chunk sender */

/* A server that answers exactly what the test says, byte for byte: a
 * thread per connection (the sender blocks in its own, and may open
 * another while one is kept). */
typedef struct {
  GSocketListener *listener;
  guint16          port;
  GCancellable    *stop;
  GThread         *thread;
  GPtrArray       *handlers;      /* a thread per connection */
  GMutex           lock;
  char            *answer;        /* NULL: close without an answer */
  gsize            answer_len;
  gboolean         close_after;   /* close after the answer */
  gulong           drip_us;       /* >0: the answer a byte at a time, this far apart */
  char            *extra;         /* an answer to nothing, 50 ms after each answer */
  guint            connections;
  guint            requests;
  char            *head;          /* the last request's head */
  GByteArray      *body;          /* and its body */
} RawServer;

typedef struct {
  RawServer         *raw;
  GSocketConnection *connection;
} RawHandler;

static gboolean
raw_read_request (GInputStream *in,
                  RawServer    *raw)
{
  GByteArray *buf = g_byte_array_new ();
  const char *end = NULL;
  const char *length;
  gint64 want;
  gsize head_len;
  guint8 block[65536];

  while (buf->len == 0 || (end = g_strstr_len ((const char *) buf->data, buf->len, "\r\n\r\n")) == NULL)
    {
      gssize n = g_input_stream_read (in, block, sizeof block, raw->stop, NULL);

      if (n <= 0)
        {
          g_byte_array_unref (buf);
          return FALSE;
        }
      g_byte_array_append (buf, block, (guint) n);
    }
  head_len = (gsize) (end - (const char *) buf->data) + 4;
  g_mutex_lock (&raw->lock);
  g_free (raw->head);
  raw->head = g_strndup ((const char *) buf->data, head_len);
  length = strstr (raw->head, "Content-Length: ");
  want = length != NULL ? g_ascii_strtoll (length + 16, NULL, 10) : 0;
  g_byte_array_set_size (raw->body, 0);
  g_byte_array_append (raw->body, buf->data + head_len, buf->len - (guint) head_len);
  g_mutex_unlock (&raw->lock);
  g_byte_array_unref (buf);
  while ((gint64) raw->body->len < want)
    {
      gssize n = g_input_stream_read (in, block, (gsize) MIN ((gint64) sizeof block, want - raw->body->len),
                                      raw->stop, NULL);

      if (n <= 0)
        return FALSE;
      g_mutex_lock (&raw->lock);
      g_byte_array_append (raw->body, block, (guint) n);
      g_mutex_unlock (&raw->lock);
    }
  return TRUE;
}

static void
raw_write (RawServer     *raw,
           GOutputStream *out,
           const char    *answer,
           gsize          length,
           gulong         drip_us)
{
  if (drip_us == 0)
    {
      g_output_stream_write_all (out, answer, length, NULL, raw->stop, NULL);
      return;
    }
  for (gsize i = 0; i < length && !g_cancellable_is_cancelled (raw->stop); i++)
    {
      if (!g_output_stream_write_all (out, answer + i, 1, NULL, raw->stop, NULL))
        return;
      g_usleep (drip_us);
    }
}

static gpointer
raw_handler_thread (gpointer data)
{
  RawHandler *h = data;
  RawServer *raw = h->raw;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (h->connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (h->connection));

  while (raw_read_request (in, raw))
    {
      g_autofree char *answer = NULL;
      g_autofree char *extra = NULL;
      gsize answer_len;
      gboolean close_after;
      gulong drip_us;

      g_atomic_int_inc (&raw->requests);
      g_mutex_lock (&raw->lock);
      answer = g_memdup2 (raw->answer, raw->answer_len);
      answer_len = raw->answer_len;
      close_after = raw->close_after;
      drip_us = raw->drip_us;
      extra = g_strdup (raw->extra);
      g_mutex_unlock (&raw->lock);
      if (answer == NULL)
        break;
      raw_write (raw, out, answer, answer_len, drip_us);
      if (extra != NULL)
        {
          g_usleep (50000);
          raw_write (raw, out, extra, strlen (extra), 0);
        }
      if (close_after)
        break;
    }
  g_io_stream_close (G_IO_STREAM (h->connection), NULL, NULL);
  g_object_unref (h->connection);
  g_free (h);
  return NULL;
}

static gpointer
raw_server_thread (gpointer data)
{
  RawServer *raw = data;
  GSocketConnection *connection;

  while ((connection = g_socket_listener_accept (raw->listener, NULL, raw->stop, NULL)) != NULL)
    {
      RawHandler *h = g_new0 (RawHandler, 1);

      h->raw = raw;
      h->connection = connection;
      g_atomic_int_inc (&raw->connections);
      g_mutex_lock (&raw->lock);
      g_ptr_array_add (raw->handlers, g_thread_new ("raw-connection", raw_handler_thread, h));
      g_mutex_unlock (&raw->lock);
    }
  return NULL;
}

static RawServer *
raw_server_new (void)
{
  RawServer *raw = g_new0 (RawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&raw->lock);
  raw->handlers = g_ptr_array_new ();
  raw->body = g_byte_array_new ();
  raw->stop = g_cancellable_new ();
  raw->listener = g_socket_listener_new ();
  g_socket_listener_add_address (raw->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &bound, &error);
  g_assert_no_error (error);
  raw->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  raw->thread = g_thread_new ("raw-server", raw_server_thread, raw);
  return raw;
}

static void
raw_server_answer (RawServer  *raw,
                   const char *answer,
                   gsize       length,
                   gboolean    close_after)
{
  g_mutex_lock (&raw->lock);
  g_free (raw->answer);
  raw->answer = answer != NULL ? g_memdup2 (answer, length) : NULL;
  raw->answer_len = length;
  raw->close_after = close_after;
  g_mutex_unlock (&raw->lock);
}

static void
raw_server_free (RawServer *raw)
{
  g_cancellable_cancel (raw->stop);
  g_socket_listener_close (raw->listener);
  g_thread_join (raw->thread);
  for (guint i = 0; i < raw->handlers->len; i++)
    g_thread_join (raw->handlers->pdata[i]);
  g_ptr_array_unref (raw->handlers);
  g_free (raw->extra);
  g_object_unref (raw->listener);
  g_object_unref (raw->stop);
  g_free (raw->answer);
  g_free (raw->head);
  g_byte_array_unref (raw->body);
  g_mutex_clear (&raw->lock);
  g_free (raw);
}

/* Posts @length bytes at @offset of @path to @uri; the answer's body, or
 * NULL and @error. */
static GBytes *
post_chunk (FmChunkSender  *sender,
            const char     *uri,
            const char     *path,
            gint64          offset,
            gint64          length,
            FmRateLimiter  *limiter,
            FmChunkPost   **post_out,
            GError        **error)
{
  g_autoptr(FmChunkPost) post = fm_chunk_post_new (uri, path, offset, length, NULL, limiter);
  g_autoptr(GAsyncResult) result = NULL;
  GBytes *answer;

  fm_chunk_sender_post_async (sender, post, 64 * 1024, NULL, fm_test_async_cb, &result);
  answer = fm_chunk_sender_post_finish (sender, fm_test_await (&result), error);
  if (answer != NULL)
    g_assert_cmpint (fm_chunk_post_get_sent (post), ==, length);
  if (post_out != NULL)
    *post_out = g_steal_pointer (&post);
  return answer;
}

#define ANSWER(text) text, sizeof text - 1

/* What goes on the wire, and every kind of answer a broken or hostile
 * upload host can give: each is a clear error or a clean answer, a
 * connection is kept only after a complete, well-formed answer. */
static void
test_chunk_sender_answers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-sender-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "region.bin", NULL);
  g_autofree guint8 *content = g_malloc (300000);
  RawServer *raw = raw_server_new ();
  g_autoptr(FmChunkSender) sender = fm_chunk_sender_new ("filemail-test");
  g_autoptr(FmRateLimiter) limiter = fm_rate_limiter_new ();
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/file/add?transferid=t1&thefilename=a%%20b.txt",
                                          raw->port);
  g_autofree char *host = g_strdup_printf ("\r\nHost: 127.0.0.1:%u\r\n", raw->port);
  g_autofree char *huge = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(FmChunkPost) post = NULL;
  guint connections;

  for (gsize i = 0; i < 300000; i++)
    content[i] = (guint8) (i * 7 + i / 256);
  g_assert_true (g_file_set_contents (path, (const char *) content, 300000, NULL));

  /* the request: the reference's POST, the query as given, the region */
  raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), FALSE);
  answer = post_chunk (sender, uri, path, 1000, 200000, NULL, &post, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (answer), ==, 0);
  g_assert_cmpuint (fm_chunk_post_get_status (post), ==, 200);
  g_assert_true (g_str_has_prefix (raw->head, "POST /api/file/add?transferid=t1&thefilename=a%20b.txt HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (raw->head, host));
  g_assert_nonnull (strstr (raw->head, "\r\nContent-Length: 200000\r\n"));
  g_assert_nonnull (strstr (raw->head, "\r\nContent-Type: application/octet-stream\r\n"));
  g_assert_cmpmem (raw->body->data, raw->body->len, content + 1000, 200000);
  g_clear_pointer (&answer, g_bytes_unref);
  g_clear_pointer (&post, fm_chunk_post_unref);

  /* kept alive: the next one goes on the same connection once it has
   * been quiet for the grace (REUSE_GRACE_US), paced by a limit (the
   * paced path writes in pieces) */
  g_usleep (150000);
  fm_rate_limiter_set_rate (limiter, 2000000);
  answer = post_chunk (sender, uri, path, 0, 300000, limiter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (raw->body->data, raw->body->len, content, 300000);
  g_assert_cmpuint (g_atomic_int_get (&raw->connections), ==, 1);
  g_assert_cmpuint (fm_chunk_sender_get_connections_made (sender), ==, 1);
  g_clear_pointer (&answer, g_bytes_unref);
  g_usleep (150000);

  /* chunked, after a 100 Continue, a reason phrase with escapes */
  raw_server_answer (raw, ANSWER ("HTTP/1.1 100 Continue\r\n\r\n"
                                  "HTTP/1.1 449 Retry \033]0;pwned\007With\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "10\r\n{\"errorid\":1005}\r\n0\r\n\r\n"), FALSE);
  answer = post_chunk (sender, uri, path, 0, 10, NULL, &post, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fm_chunk_post_get_status (post), ==, 449);
  g_assert_cmpstr (fm_chunk_post_get_reason (post), ==, "Retry ?]0;pwned?With");
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "{\"errorid\":1005}", 16);
  g_assert_cmpuint (g_atomic_int_get (&raw->connections), ==, 1);
  g_clear_pointer (&answer, g_bytes_unref);
  g_clear_pointer (&post, fm_chunk_post_unref);
  g_usleep (150000);

  /* "Connection: close" is obeyed: the next request opens another */
  raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"), TRUE);
  answer = post_chunk (sender, uri, path, 0, 10, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&answer, g_bytes_unref);
  raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), FALSE);
  answer = post_chunk (sender, uri, path, 0, 10, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_atomic_int_get (&raw->connections), ==, 2);
  g_clear_pointer (&answer, g_bytes_unref);

  /* hostile answers: each an error that says what is wrong */
  {
    struct { const char *text; gsize length; int code; const char *says; } cases[] = {
      { ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n"), FM_ERROR_PROTOCOL, "larger than" },
      { ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n"), FM_ERROR_PROTOCOL, NULL },
      { ANSWER ("HELLO THERE\r\n\r\n"), FM_ERROR_PROTOCOL, "malformed" },
      { ANSWER ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), FM_ERROR_PROTOCOL, "chunk size" },
      { ANSWER ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffff\r\n"), FM_ERROR_PROTOCOL,
        "larger than" },
      { ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"), FM_ERROR_NETWORK, NULL },
      { NULL, 0, FM_ERROR_NETWORK, NULL },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        raw_server_answer (raw, cases[i].text, cases[i].length, TRUE);
        answer = post_chunk (sender, uri, path, 0, 10, NULL, NULL, &error);
        g_test_message ("case %zu: %s", i, error != NULL ? error->message : "(no error)");
        g_assert_null (answer);
        g_assert_error (error, FM_ERROR, (gint) cases[i].code);
        if (cases[i].says != NULL)
          g_assert_nonnull (strstr (error->message, cases[i].says));
        g_clear_error (&error);
      }
  }
  /* a head that never ends */
  huge = g_strdup_printf ("HTTP/1.1 200 OK\r\nX-Long: %0*d\r\n\r\n", 70000, 0);
  raw_server_answer (raw, huge, strlen (huge), TRUE);
  answer = post_chunk (sender, uri, path, 0, 10, NULL, NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "64 kB"));
  g_clear_error (&error);

  /* a kept connection the server closes while it idles is not used (a
   * sender of its own: the one kept connection is that one) */
  {
    g_autoptr(FmChunkSender) alone = fm_chunk_sender_new ("filemail-test");

    raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), TRUE);
    answer = post_chunk (alone, uri, path, 0, 10, NULL, NULL, &error);
    g_assert_no_error (error);
    g_clear_pointer (&answer, g_bytes_unref);
    connections = fm_chunk_sender_get_connections_made (alone);
    g_usleep (150000);   /* the server's close reaches us; the grace passes */
    raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), FALSE);
    answer = post_chunk (alone, uri, path, 0, 10, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fm_chunk_sender_get_connections_made (alone), ==, connections + 1);
    g_clear_pointer (&answer, g_bytes_unref);
  }

  /* the file got shorter than the hashed region */
  answer = post_chunk (sender, uri, path, 250000, 100000, NULL, NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_FILE_CHANGED);
  g_clear_error (&error);
  /* an upload address from the server that would smuggle a header: its
   * CR LF and spaces go escaped, on the request line, never as a line */
  {
    g_autofree char *smuggle = g_strdup_printf ("http://127.0.0.1:%u/a?x=1\r\nX-Evil: 1 b", raw->port);

    answer = post_chunk (sender, smuggle, path, 0, 10, NULL, NULL, &error);
    g_assert_no_error (error);
    g_clear_pointer (&answer, g_bytes_unref);
    g_assert_true (g_str_has_prefix (raw->head, "POST /a?x=1%0D%0AX-Evil:%201%20b HTTP/1.1\r\n"));
    g_assert_null (strstr (raw->head, "\nX-Evil"));
    answer = post_chunk (sender, "no address", path, 0, 10, NULL, NULL, &error);
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_URL);
    g_clear_error (&error);
  }
  raw_server_free (raw);
  fm_test_rm_rf (dir);
}

/* Accepts one connection and answers it in plain text at once, as a host
 * that speaks no TLS (or none this client accepts) does. */
static gpointer
not_tls_thread (gpointer data)
{
  GSocketListener *listener = data;
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (listener, NULL, NULL, NULL);

  if (connection != NULL)
    {
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 "HTTP/1.1 400 Bad Request\r\n\r\n", 28, NULL, NULL, NULL);
      g_usleep (200000);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  return NULL;
}

/* What an upload host controls is bounded: a flood of "100 Continue"
 * (count and bytes), an answer dripped a byte at a time (one deadline
 * for the whole answer), and an answer sent to nothing after each real
 * one (never taken for the next chunk's: a kept connection is reused only
 * after it stayed quiet). */
static void
test_chunk_sender_hostile_host (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-sender-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "region.bin", NULL);
  RawServer *raw = raw_server_new ();
  g_autoptr(FmChunkSender) sender = fm_chunk_sender_new ("filemail-test");
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/file/add?transferid=t1", raw->port);
  GString *flood = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  long rss_before;
  gint64 start;

  g_assert_true (g_file_set_contents (path, "0123456789abcdef", 16, NULL));

  /* 1. 200,000 interim answers (5 MB) before a real one: refused after a
   * few, memory flat */
  for (guint i = 0; i < 200000; i++)
    g_string_append (flood, "HTTP/1.1 100 Continue\r\n\r\n");
  g_string_append (flood, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  raw_server_answer (raw, flood->str, flood->len, TRUE);
  rss_before = fm_test_memory_kib ("VmHWM");
  answer = post_chunk (sender, uri, path, 0, 16, NULL, NULL, &error);
  g_assert_null (answer);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "interim"));
  g_assert_cmpint (fm_test_memory_kib ("VmHWM") - rss_before, <, 16 * 1024);
  g_clear_error (&error);
  g_string_free (flood, TRUE);

  /* 2. a valid answer dripped one byte every 300 ms (about a minute for
   * this one): the whole answer has 2 s, then it is a timed-out request
   * (retried by the job like a dropped connection). The bound below is a
   * hang bound, ten times what it takes here, and far short of the drip. */
  fm_chunk_sender_set_answer_timeout (sender, 2);
  g_mutex_lock (&raw->lock);
  raw->drip_us = 300000;
  g_mutex_unlock (&raw->lock);
  raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nX-Padding: 0123456789012345678901234567890123456789"
                                  "0123456789012345678901234567890123456789012345678901234567890123456789\r\n"
                                  "Content-Length: 0\r\n\r\n"), TRUE);
  start = g_get_monotonic_time ();
  answer = post_chunk (sender, uri, path, 0, 16, NULL, NULL, &error);
  g_assert_null (answer);
  g_test_message ("dripped: %s after %.1f s", error->message, (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (g_error_matches (error, FM_ERROR, FM_ERROR_TIMED_OUT) ||
                 g_error_matches (error, FM_ERROR, FM_ERROR_NETWORK));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 25 * G_USEC_PER_SEC);
  g_assert_cmpint (fm_retry_policy_classify (0, error), ==, FM_RETRY_TRANSIENT);
  g_clear_error (&error);
  g_mutex_lock (&raw->lock);
  raw->drip_us = 0;
  g_mutex_unlock (&raw->lock);

  /* 3. after each answer, 50 ms later, an answer to nothing ("stale"):
   * three chunks at once are three requests answered by their own
   * answers; after the grace the kept connections are seen not quiet and
   * dropped */
  g_mutex_lock (&raw->lock);
  raw->extra = g_strdup ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
  g_mutex_unlock (&raw->lock);
  raw_server_answer (raw, ANSWER ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), FALSE);
  g_atomic_int_set (&raw->requests, 0);
  for (guint i = 0; i < 3; i++)
    {
      answer = post_chunk (sender, uri, path, 0, 16, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (answer), ==, 0);   /* never "stale" */
      g_clear_pointer (&answer, g_bytes_unref);
    }
  g_assert_cmpuint (g_atomic_int_get (&raw->requests), ==, 3);
  g_usleep (200000);
  answer = post_chunk (sender, uri, path, 0, 16, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (answer), ==, 0);
  g_assert_cmpuint (g_atomic_int_get (&raw->requests), ==, 4);
  g_clear_pointer (&answer, g_bytes_unref);

  /* 4. https to a host whose handshake fails for no certificate's fault:
   * said as such, not as a refused certificate, and not retried */
  {
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();
    guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
    GThread *thread = g_thread_new ("not-tls", not_tls_thread, listener);
    g_autofree char *https = g_strdup_printf ("https://127.0.0.1:%u/api/file/add", port);

    answer = post_chunk (sender, https, path, 0, 16, NULL, NULL, &error);
    g_assert_null (answer);
    g_test_message ("no TLS: %s (%s)", error->message, fm_error_get_detail (error));
    g_assert_error (error, FM_ERROR, FM_ERROR_TLS_HANDSHAKE);
    g_assert_null (strstr (error->message, "certificate"));
    g_assert_cmpint (fm_retry_policy_classify (0, error), ==, FM_RETRY_PERMANENT);
    g_clear_error (&error);
    g_thread_join (thread);
  }
  raw_server_free (raw);
  fm_test_rm_rf (dir);
}

/* ------------------------------------------------------------- TLS */

static void
test_bad_certificate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cmd = g_strdup_printf ("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                                          "-keyout %s -out %s", key, cert);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(FmClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (cmd, &out, &err, &status, NULL) || status != 0)
    {
      g_test_skip ("no openssl command to make a certificate");
      return;
    }
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  client = fm_client_new (url, &error);
  g_assert_no_error (error);
  fm_client_login_async (client, "a@example.com", "p", NULL, fm_test_async_cb, &result);
  token = fm_client_login_finish (client, fm_test_await (&result), &error);
  g_assert_null (token);
  g_assert_error (error, FM_ERROR, FM_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not signed by an authority"));
  g_assert_true (fm_retry_policy_classify (0, error) == FM_RETRY_PERMANENT);
  fm_test_rm_rf (dir);
}

/* A company's own certificate authority: refused until the user trusts
 * its PEM file (FILEMAIL_CA_FILE, --ca-file), accepted then, and a
 * certificate for another name is still refused, saying so. */
static void
test_company_ca (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-ca-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (root, "good", NULL);
  g_autofree char *wrong = g_build_filename (root, "wrong", NULL);
  const char *dirs[] = { good, wrong };

  g_assert_true (fm_test_make_certificates (good, "IP:127.0.0.1,DNS:localhost"));
  g_assert_true (fm_test_make_certificates (wrong, "DNS:files.example.com"));
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *cert = g_build_filename (dirs[i], "server.pem", NULL);
      g_autofree char *key = g_build_filename (dirs[i], "server.key", NULL);
      g_autofree char *ca = g_build_filename (dirs[i], "ca.pem", NULL);
      g_autofree char *store = g_build_filename (dirs[i], "store", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);
      g_autoptr(FmTestServer) server = fm_test_server_new (store, &error);
      g_autoptr(FmClient) plain = NULL, trusting = NULL;
      g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL;
      g_autofree char *url = NULL, *t1 = NULL, *t2 = NULL;

      g_assert_no_error (error);
      fm_test_server_set_tls_certificate (server, certificate);
      g_assert_true (fm_test_server_listen (server, 0, &error));
      url = fm_test_server_get_url (server);
      g_assert_true (g_str_has_prefix (url, "https://"));

      plain = fm_client_new (url, &error);
      fm_client_login_async (plain, "alice@example.com", "alice-password", NULL, fm_test_async_cb, &r1);
      t1 = fm_client_login_finish (plain, fm_test_await (&r1), &error);
      g_assert_error (error, FM_ERROR, FM_ERROR_TLS);
      g_assert_nonnull (strstr (error->message, "not signed by an authority"));
      g_clear_error (&error);
      /* chunks go out on connections of their own (OpenSSL), judged by
       * the same rule and refused in the same words */
      {
        g_autofree char *upload = g_strconcat (url, "/api/file/add?transferid=x", NULL);
        g_autoptr(GBytes) answer = post_chunk (fm_client_get_chunk_sender (plain), upload, cert, 0, 10, NULL,
                                               NULL, &error);

        g_assert_null (answer);
        g_assert_error (error, FM_ERROR, FM_ERROR_TLS);
        g_assert_nonnull (strstr (error->message, "not signed by an authority"));
        g_assert_true (fm_retry_policy_classify (0, error) == FM_RETRY_PERMANENT);
        g_clear_error (&error);
      }

      trusting = fm_client_new (url, &error);
      g_assert_true (fm_client_set_ca_file (trusting, ca, &error));
      fm_client_login_async (trusting, "alice@example.com", "alice-password", NULL, fm_test_async_cb, &r2);
      t2 = fm_client_login_finish (trusting, fm_test_await (&r2), &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (t2);
        }
      else
        {
          g_assert_error (error, FM_ERROR, FM_ERROR_TLS);
          g_test_message ("%s", error->message);
          g_assert_nonnull (strstr (error->message, "issued for a different server name"));
        }
      g_clear_error (&error);
      {
        g_autofree char *upload = g_strconcat (url, "/api/file/add?transferid=x", NULL);
        g_autoptr(FmChunkPost) post = NULL;
        g_autoptr(GBytes) answer = post_chunk (fm_client_get_chunk_sender (trusting), upload, cert, 0, 10, NULL,
                                               &post, &error);

        if (i == 0)
          {
            /* through TLS to the server, which answers (with its own
             * refusal of a transfer that does not exist) */
            g_assert_no_error (error);
            g_assert_cmpuint (fm_chunk_post_get_status (post), >=, 200);
          }
        else
          {
            g_assert_error (error, FM_ERROR, FM_ERROR_TLS);
            g_assert_nonnull (strstr (error->message, "issued for a different server name"));
          }
      }
      soup_session_abort (fm_client_get_session (plain));
      soup_session_abort (fm_client_get_session (trusting));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  {
    g_autoptr(FmClient) client = fm_client_new ("https://127.0.0.1:1", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (fm_client_set_ca_file (client, "/nonexistent/ca.pem", &error));
    g_assert_nonnull (strstr (error->message, "cannot be used"));
  }
  fm_test_rm_rf (root);
}

/* ---------------------------------------------------- hostile text */

static void
test_display_text (void)
{
  const char *hostile = "a\033]0;pwned\007b\033[2Kc\rd\033]52;c;ZXZpbA==\007e\342\200\256fdp.exe";
  g_autofree char *shown = fm_format_display_text (hostile);
  g_autofree char *saved = fm_download_safe_name ("invoice\342\200\256fdp.exe");

  g_assert_null (strchr (shown, '\033'));
  g_assert_null (strchr (shown, '\007'));
  g_assert_null (strchr (shown, '\r'));
  g_assert_nonnull (strstr (shown, "[U+202E]"));
  g_assert_cmpstr (saved, ==, "invoicefdp.exe");
  g_assert_false (fm_client_url_is_safe_to_open ("file:///etc/passwd"));
  g_assert_false (fm_client_url_is_safe_to_open ("javascript:alert(1)"));
  g_assert_false (fm_client_url_is_safe_to_open ("http://www.filemail.com/d/x"));
  g_assert_true (fm_client_url_is_safe_to_open ("https://www.filemail.com/d/x"));
}

/* ---------------------------------------------------- saved jobs */

static void
write_job (const char *dir,
           const char *id,
           const char *text)
{
  g_autofree char *name = g_strconcat (id, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gboolean
exists_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
count_warning_cb (const char     *domain,
                  GLogLevelFlags  level,
                  const char     *message,
                  gpointer        user_data)
{
  g_test_message ("%s: %s", domain, message);
  (*(guint *) user_data)++;
}

/* Every kind of damage is set aside as .bad with a warning; the good job
 * loads; nothing crashes or aborts. */
static void
test_corrupt_saved_jobs (FmTestFixture *f,
                         gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->root, "state", NULL);
  g_autofree char *src = make_file (f->root, "x.bin", 10, 'x');
  g_autofree char *uri = g_filename_to_uri (src, NULL, NULL);
  g_autofree char *good = g_strdup_printf ("{\"version\":1,\"id\":\"aaaa\",\"state\":\"paused\",\"chunksize\":1000,"
                                           "\"options\":{},\"files\":[{\"uri\":\"%s\",\"name\":\"x.bin\","
                                           "\"size\":10,\"mtime\":1,\"acked\":\"\"}]}", uri);
  g_autofree char *huge = g_strdup_printf ("{\"id\":\"bbbb\",\"chunksize\":1,\"options\":{},\"files\":"
                                           "[{\"uri\":\"%s\",\"name\":\"x\",\"size\":4611686018427387904,"
                                           "\"mtime\":1}]}", uri);
  g_autofree char *ftp = g_strdup_printf ("{\"id\":\"cccc\",\"chunksize\":1000,\"options\":{},\"transferid\":\"T\","
                                          "\"transferkey\":\"K\",\"transferurl\":\"ftp://evil/x\",\"files\":"
                                          "[{\"uri\":\"%s\",\"name\":\"x\",\"size\":10,\"mtime\":1}]}", uri);
  g_autofree char *newer = g_strdup_printf ("{\"version\":99,\"id\":\"eeee\",\"chunksize\":1000,\"options\":{}}");
  GString *deep = g_string_new ("{\"id\":\"dddd\",\"x\":");
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(FmUploadQueue) queue = fm_upload_queue_new (f->client, store);
  g_autoptr(GError) error = NULL;
  guint set_aside = 0, skipped = 0, store_handler, queue_handler;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  write_job (dir, "aaaa", good);
  write_job (dir, "bbbb", huge);
  write_job (dir, "cccc", ftp);
  write_job (dir, "dddd", deep->str);
  write_job (dir, "eeee", newer);
  write_job (dir, "ffff", "{\"id\":\"not-ffff\",\"chunksize\":1000,\"options\":{}}");
  write_job (dir, "0000", "\"chunksize\"");
  g_string_free (deep, TRUE);

  /* warnings are the point here: counted, not fatal (criticals still are) */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  store_handler = g_log_set_handler ("fm-queue-store", G_LOG_LEVEL_WARNING, count_warning_cb, &set_aside);
  queue_handler = g_log_set_handler ("fm-upload-queue", G_LOG_LEVEL_WARNING, count_warning_cb, &skipped);
  g_assert_true (fm_upload_queue_load (queue, &error));
  g_log_remove_handler ("fm-queue-store", store_handler);
  g_log_remove_handler ("fm-upload-queue", queue_handler);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_assert_cmpuint (set_aside, ==, 5);
  g_assert_cmpuint (skipped, ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 1);
  /* written by hand, not sealed by this installation: never started by
   * itself; once saved by the store it is this installation's */
  {
    FmUploadJob *good_job = fm_upload_queue_find (queue, "aaaa");
    g_autoptr(FmQueueStore) again_store = fm_queue_store_new (dir);
    g_autoptr(FmUploadQueue) again = fm_upload_queue_new (f->client, again_store);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonObject) saved = NULL;

    g_assert_nonnull (good_job);
    g_assert_true (fm_upload_job_get_unconfirmed (good_job));
    saved = fm_upload_job_to_json (good_job);
    fm_queue_store_save (store, "aaaa", saved);
    fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &result);
    g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&result), NULL));
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    g_assert_true (fm_upload_queue_load (again, NULL));
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    g_assert_false (fm_upload_job_get_unconfirmed (fm_upload_queue_find (again, "aaaa")));
  }
  for (const char *const *id = (const char *[]) { "bbbb", "cccc", "dddd", "ffff", "0000", NULL }; *id; id++)
    {
      g_autofree char *bad = g_strconcat (*id, ".json.bad", NULL);
      g_test_message ("%s", bad);
      g_assert_true (exists_in (dir, bad));
    }
  g_assert_true (exists_in (dir, "eeee.json"));   /* a newer program's job is left for it */
}

/* An http transferurl on another host (the reference's own example) is
 * upgraded to https; loopback http stays. */
static void
test_transfer_url_upgrade (void)
{
  g_autofree char *a = fm_client_upgrade_url ("http://sl21.filemail.com/api/file/add");
  g_autofree char *b = fm_client_upgrade_url ("http://127.0.0.1:8080/fs/savefile.ashx?x=1");
  g_autofree char *c = fm_client_upgrade_url ("http://files.example.com:8080/add?a=b");

  g_assert_cmpstr (a, ==, "https://sl21.filemail.com/api/file/add");
  g_assert_cmpstr (b, ==, "http://127.0.0.1:8080/fs/savefile.ashx?x=1");
  g_assert_cmpstr (c, ==, "https://files.example.com:8080/add?a=b");
}

static void
pause_on_ticket_cb (FmUploadJob *job)
{
  if (fm_upload_job_get_transfer_id (job) != NULL)
    fm_upload_job_pause (job);
}

/* initialize answers, like the reference's example, an http transferurl
 * on another host: the job keeps https for it before any chunk goes. */
static void
test_job_upgrades_transfer_url (FmTestFixture *f,
                                gconstpointer  data)
{
  g_autofree char *src = make_file (f->root, "u.bin", 10, 'u');
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  const char *paths[] = { src, NULL };
  g_autoptr(FmUploadJob) job = fm_upload_job_new (f->client, options, paths);
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonObject) stats = NULL;
  const char *url;

  fm_test_config (f, "upload_host", "files.example.invalid");
  g_signal_connect (job, "notify::transfer-id", G_CALLBACK (pause_on_ticket_cb), NULL);
  fm_upload_job_start (job);
  while (fm_upload_job_get_state (job) != FM_UPLOAD_STATE_PAUSED)
    g_main_context_iteration (NULL, TRUE);
  saved = fm_upload_job_to_json (job);
  url = json_object_get_string_member (saved, "transferurl");
  g_test_message ("transferurl kept: %s", url);
  g_assert_true (g_str_has_prefix (url, "https://files.example.invalid:"));
  g_assert_true (g_str_has_suffix (url, "/api/file/add"));
  stats = fm_test_stats (f);
  g_assert_cmpint (json_object_get_int_member (stats, "upload_requests"), ==, 0);
}

/* Two owners of one saved job: the second claim fails, and the loser does
 * not write the job's file. */
static void
test_one_owner (FmTestFixture *f,
                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->root, "state", NULL);
  g_autofree char *src = make_file (f->root, "x.bin", 10, 'x');
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(FmUploadQueue) first = fm_upload_queue_new (f->client, store);
  g_autoptr(FmUploadQueue) second = fm_upload_queue_new (f->client, store);
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  const char *paths[] = { src, NULL };
  g_autoptr(FmUploadJob) job = fm_upload_job_new (f->client, options, paths);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  FmUploadJob *copy;

  fm_upload_job_pause (job);
  fm_upload_queue_add (first, job);
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &flushed);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&flushed), NULL));
  g_assert_true (fm_upload_queue_load (second, &error));
  copy = fm_upload_queue_find (second, fm_upload_job_get_id (job));
  g_assert_nonnull (copy);
  g_assert_false (fm_upload_job_claim (copy, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_BUSY);
  g_assert_false (fm_upload_job_holds_claim (copy));
  fm_upload_job_start (copy);   /* refused: stays paused */
  g_assert_cmpint (fm_upload_job_get_state (copy), ==, FM_UPLOAD_STATE_PAUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, FmTestFixture, NULL, fm_test_fixture_setup, fn, fm_test_fixture_teardown)
  ADD ("/hostile/folder/planted-symlink", test_planted_symlink);
  ADD ("/hostile/folder/planted-hard-link", test_planted_hard_link);
  ADD ("/hostile/folder/no-splice-across-transfers", test_no_splice_across_transfers);
  ADD ("/hostile/folder/same-name-at-once", test_same_name_at_once);
  ADD ("/hostile/folder/same-file-twice", test_same_file_twice);
  ADD ("/hostile/download/oversize", test_oversize_download);
  ADD ("/hostile/download/unknown-size", test_unknown_size);
  ADD ("/hostile/redirects", test_redirects);
  ADD ("/hostile/answer/nested", test_nested_answer);
  ADD ("/hostile/answer/huge", test_huge_answers);
  ADD ("/hostile/answer/stalled", test_stalled_server);
  ADD ("/hostile/answer/captive-portal", test_captive_portal);
  ADD ("/hostile/upload/nested-answer", test_nested_upload_answer);
  ADD ("/hostile/answer/5xx-storm", test_5xx_storm);
  ADD ("/hostile/upload/lost-complete-answer", test_lost_complete_answer);
  ADD ("/hostile/state/corrupt-saved-jobs", test_corrupt_saved_jobs);
  ADD ("/hostile/state/one-owner", test_one_owner);
  ADD ("/hostile/upload/fifo-swap", test_fifo_swap);
  ADD ("/hostile/upload/transfer-url-upgraded", test_job_upgrades_transfer_url);
#undef ADD
  g_test_add_func ("/hostile/tls/bad-certificate", test_bad_certificate);
  g_test_add_func ("/hostile/tls/company-ca", test_company_ca);
  g_test_add_func ("/hostile/chunk-sender/answers", test_chunk_sender_answers);
  g_test_add_func ("/hostile/chunk-sender/hostile-host", test_chunk_sender_hostile_host);
  g_test_add_func ("/hostile/text", test_display_text);
  g_test_add_func ("/hostile/transfer-url-upgrade", test_transfer_url_upgrade);
  return g_test_run ();
}
