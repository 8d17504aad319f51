/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-upload.c: FmUploadJob against the local server: chunking edge
 * cases, folders, hostile names, faults, expiry, changed files, the
 * network going away, pause and resume from disk, cancel */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-fake-network-monitor.h"
#include "fm-test-util.h"
#include "fm-upload-job.h"

#define SMALL_CHUNK 1000

static char *
make_file (const char *dir,
           const char *name,
           gsize       size,
           guint32     seed)
{
  g_autofree guint8 *data = g_malloc (size + 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  g_mkdir_with_parents (parent, 0700);
  g_file_set_contents (path, (char *) data, (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

static FmUploadJob *
new_job (FmTestFixture      *f,
         const char * const *paths,
         gint64              chunk_size)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autoptr(FmRetryPolicy) policy = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 30,
                                                  "base-delay-ms", 1, "max-delay-ms", 20, NULL);
  FmUploadJob *job;

  options->to = g_strdup ("bob@example.com");
  options->subject = g_strdup ("Test upload");
  job = fm_upload_job_new (f->client, options, paths);
  fm_upload_job_set_chunk_size (job, chunk_size);
  fm_upload_job_set_retry_policy (job, policy);
  return job;
}

static gboolean
run_job (FmUploadJob  *job,
         GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_upload_job_run_async (job, NULL, fm_test_async_cb, &result);
  return fm_upload_job_run_finish (job, fm_test_await (&result), error);
}

/* The server's view of one uploaded file, by its name in the transfer. */
static JsonObject *
server_file (FmTestFixture *f,
             const char    *transfer_id,
             const char    *name)
{
  g_autoptr(JsonObject) stats = fm_test_stats (f);
  JsonArray *files = json_object_get_array_member (stats, "files");

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (file, "transferid"), transfer_id) &&
          g_str_equal (json_object_get_string_member (file, "filename"), name))
        return json_object_ref (file);
    }
  g_error ("the server has no file “%s” in %s", name, transfer_id);
  return NULL;
}

static void
assert_same_content (const char *a,
                     const char *b,
                     gint64      size)
{
  int fa = open (a, O_RDONLY), fb = open (b, O_RDONLY);
  g_autofree char *ba = g_malloc (1 << 20), *bb = g_malloc (1 << 20);
  gint64 total = 0;

  g_assert_cmpint (fa, >=, 0);
  g_assert_cmpint (fb, >=, 0);
  for (;;)
    {
      ssize_t na = read (fa, ba, 1 << 20), nb = read (fb, bb, 1 << 20);

      g_assert_cmpint (na, ==, nb);
      if (na <= 0)
        break;
      g_assert_true (memcmp (ba, bb, (size_t) na) == 0);
      total += na;
    }
  g_assert_cmpint (total, ==, size);
  close (fa);
  close (fb);
}

/* Byte-identical on the server, and every chunk received exactly
 * @max_receipts times at most. */
static void
assert_uploaded (FmTestFixture *f,
                 FmUploadJob   *job,
                 const char    *local,
                 const char    *name,
                 guint          max_receipts)
{
  g_autoptr(JsonObject) file = server_file (f, fm_upload_job_get_transfer_id (job), name);
  JsonArray *receipts = json_object_get_array_member (file, "receipts");
  struct stat st;

  g_assert_cmpint (stat (local, &st), ==, 0);
  g_assert_cmpint (json_object_get_int_member (file, "size"), ==, st.st_size);
  assert_same_content (local, json_object_get_string_member (file, "path"), st.st_size);
  for (guint i = 0; i < json_array_get_length (receipts); i++)
    {
      g_assert_cmpint (json_array_get_int_element (receipts, i), >=, 1);
      g_assert_cmpint (json_array_get_int_element (receipts, i), <=, max_receipts);
    }
}

/* ------------------------------------------------------------------- */

static void
test_edge_sizes_and_names (FmTestFixture *f, gconstpointer data)
{
  struct { const char *name; gsize size; } cases[] = {
    { "empty.txt", 0 },
    { "one byte.bin", 1 },
    { "exactly one chunk.bin", SMALL_CHUNK },
    { "chunk+1 & more%.bin", SMALL_CHUNK + 1 },
    { "\xc3\x86\xc3\x98\xc3\x85 \xc3\xbc" "n\xc3\xaf" "c\xc3\xb6" "de #1.txt", 3 * SMALL_CHUNK + 17 },
  };
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  gint64 total = 0;

  fm_test_config (f, "min_chunk_size", "1");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_ptr_array_add (paths, make_file (f->root, cases[i].name, cases[i].size, (guint32) i));
      total += (gint64) cases[i].size;
    }
  g_ptr_array_add (paths, NULL);
  job = new_job (f, (const char * const *) paths->pdata, SMALL_CHUNK);
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_DONE);
  g_assert_cmpint (fm_upload_job_get_bytes_total (job), ==, total);
  g_assert_cmpint (fm_upload_job_get_bytes_sent (job), ==, total);
  g_assert_cmpfloat (fm_upload_job_get_fraction (job), ==, 1.0);
  g_assert_cmpuint (fm_upload_job_get_n_files (job), ==, G_N_ELEMENTS (cases));
  g_assert_true (g_str_has_prefix (fm_upload_job_get_download_url (job), f->url));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_uploaded (f, job, paths->pdata[i], cases[i].name, 1);
  stats = fm_test_stats (f);
  g_assert_cmpint (json_object_get_int_member (stats, "chunks_without_md5"), ==, 0);
  /* 1 + 1 + 1 + 2 + 4 chunks, each once */
  g_assert_cmpint (json_object_get_int_member (stats, "upload_requests"), ==, 9);

  /* the file list the store is given as text says what the tree says */
  {
    g_autoptr(JsonObject) tree = fm_upload_job_to_json (job);
    g_autoptr(GString) text = fm_upload_job_files_to_text (job);
    g_autoptr(JsonNode) parsed = json_from_string (text->str, &error);
    g_autoptr(JsonObject) head = fm_upload_job_to_json_head (job);

    g_assert_no_error (error);
    g_assert_true (json_node_equal (parsed, json_object_get_member (tree, "files")));
    g_assert_false (json_object_has_member (head, "files"));
  }
}

static void
test_folder (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *top = g_build_filename (f->root, "Photos", NULL);
  g_autofree char *a = make_file (top, "a.jpg", 2500, 1);
  g_autofree char *b = make_file (top, "2024/summer/b.jpg", 10, 2);
  g_autofree char *empty = g_build_filename (top, "empty", NULL);
  g_autofree char *single = make_file (f->root, "notes.txt", 5, 3);
  const char *paths[] = { top, single, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  g_mkdir_with_parents (empty, 0700);
  job = new_job (f, paths, SMALL_CHUNK);
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fm_upload_job_get_n_files (job), ==, 3);
  /* named relative to the chosen folder's parent */
  assert_uploaded (f, job, b, "Photos/2024/summer/b.jpg", 1);
  assert_uploaded (f, job, a, "Photos/a.jpg", 1);
  assert_uploaded (f, job, single, "notes.txt", 1);
}

static void
test_bad_inputs_reported_first (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *top = g_build_filename (f->root, "Project", NULL);
  g_autofree char *ok = make_file (top, "ok.txt", 10, 1);
  g_autofree char *fifo = g_build_filename (top, "pipe", NULL);
  g_autofree char *loop = g_build_filename (top, "sub", "loop", NULL);
  g_autofree char *sub = g_build_filename (top, "sub", NULL);
  g_autofree char *dangling = g_build_filename (top, "dangling", NULL);
  const char *paths[] = { top, "/nonexistent/file.txt", NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;

  g_mkdir_with_parents (sub, 0700);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("..", loop), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/target", dangling), ==, 0);
  job = new_job (f, paths, SMALL_CHUNK);
  g_assert_false (run_job (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "4 items cannot be sent"));
  g_assert_nonnull (strstr (error->message, "pipe"));
  g_assert_nonnull (strstr (error->message, "loop"));
  g_assert_nonnull (strstr (error->message, "dangling"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/file.txt"));
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_FAILED);
  /* nothing was sent, not even an initialize */
  stats = fm_test_stats (f);
  g_assert_cmpint (json_object_get_int_member (stats, "transfers"), ==, 0);
}

static void
test_non_utf8_names (FmTestFixture *f, gconstpointer data)
{
  /* Latin-1 "café.txt" and "cafè.txt": both show as "caf\uFFFD.txt" */
  g_autofree char *one = make_file (f->root, "caf\xe9.txt", 100, 1);
  g_autofree char *two = make_file (f->root, "caf\xe8.txt", 200, 2);
  const char *paths[] = { one, two, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
  g_autoptr(GError) error = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  assert_uploaded (f, job, one, "caf\xef\xbf\xbd.txt", 1);
  assert_uploaded (f, job, two, "caf\xef\xbf\xbd (2).txt", 1);
}

static void
test_faults (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "big.bin", 3 * 1024 * 1024 + 123, 9);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, 32 * 1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "seed", "1234");
  fm_test_config (f, "faults", "406,449,500,drop");
  fm_test_config (f, "fault_rate", "0.2");
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  stats = fm_test_stats (f);
  g_test_message ("%" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " faults",
                  json_object_get_int_member (stats, "upload_requests"),
                  json_object_get_int_member (stats, "faults_injected"));
  g_assert_cmpint (json_object_get_int_member (stats, "faults_injected"), >, 10);
  assert_uploaded (f, job, path, "big.bin", 1);
}

/* Every attempt at a part fails: the job fails in plain words, and keeps
 * which part, how often and the last error as its detail. */
static void
test_final_failure_in_plain_words (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "doomed.bin", 100000, 3);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK * 10);
  g_autoptr(FmRetryPolicy) quick = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 3,
                                                 "base-delay-ms", 1, "max-delay-ms", 5, NULL);
  g_autoptr(GError) error = NULL;

  fm_upload_job_set_retry_policy (job, quick);
  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "faults", "500");
  fm_test_config (f, "fault_rate", "1");
  g_assert_false (run_job (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_UPLOAD_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "“doomed.bin” could not be sent."));
  g_assert_null (strstr (error->message, "Part "));
  g_assert_nonnull (fm_error_get_detail (error));
  g_assert_nonnull (strstr (fm_error_get_detail (error), "failed 3 times"));
  /* kept when the error is copied, as the job's own is */
  g_assert_cmpstr (fm_error_get_detail (fm_upload_job_get_error (job)), ==, fm_error_get_detail (error));
}

static void
expire_when_initialized_cb (FmUploadJob *job, GParamSpec *pspec, FmTestFixture *f)
{
  if (fm_upload_job_get_transfer_id (job) != NULL)
    fm_test_server_expire_transfer (f->server, fm_upload_job_get_transfer_id (job));
}

static void
test_expired_fails_fast (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "x.bin", 100000, 1);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK * 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;

  fm_test_config (f, "min_chunk_size", "1");
  g_signal_connect (job, "notify::transfer-id", G_CALLBACK (expire_when_initialized_cb), f);
  g_assert_false (run_job (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED);
  g_assert_nonnull (strstr (error->message, "TransferExpired"));
  /* no retries: at most the first wave of parallel chunks went out */
  stats = fm_test_stats (f);
  g_assert_cmpint (json_object_get_int_member (stats, "upload_requests"), <=, 4);

  /* saved and loaded again by someone reading another language: the
   * failure is described anew from its code, not shown as saved */
  {
    g_autoptr(JsonObject) saved = fm_upload_job_to_json (job);
    g_autoptr(FmUploadJob) loaded = NULL;
    g_autoptr(GError) load_error = NULL;

    g_assert_cmpint (json_object_get_int_member (saved, "errorcode"), ==, FM_ERROR_TRANSFER_EXPIRED);
    json_object_set_string_member (saved, "error", "Die Übertragung ist abgelaufen");
    loaded = fm_upload_job_new_from_json (f->client, saved, &load_error);
    g_assert_no_error (load_error);
    g_assert_cmpint (fm_upload_job_get_state (loaded), ==, FM_UPLOAD_STATE_FAILED);
    g_assert_error (fm_upload_job_get_error (loaded), FM_ERROR, FM_ERROR_TRANSFER_EXPIRED);
    g_assert_true (g_str_has_prefix (fm_upload_job_get_error (loaded)->message,
                                     fm_error_get_message (FM_ERROR_TRANSFER_EXPIRED)));
    g_assert_null (strstr (fm_upload_job_get_error (loaded)->message, "abgelaufen"));
  }
}

typedef struct {
  const char *path;
  guint       acks;
  guint       at;
  gboolean    done;
} Trigger;

static void
modify_file_cb (FmUploadJob *job, Trigger *t)
{
  if (++t->acks != t->at || t->done)
    return;
  t->done = TRUE;
  {
    FILE *fp = fopen (t->path, "ab");
    fputs ("appended", fp);
    fclose (fp);
  }
}

static void
test_file_changed (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "draft.doc", 200 * SMALL_CHUNK, 1);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
  g_autoptr(GError) error = NULL;
  Trigger t = { path, 0, 5, FALSE };

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "5");
  g_signal_connect (job, "changed", G_CALLBACK (modify_file_cb), &t);
  g_assert_false (run_job (job, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_FILE_CHANGED);
  g_assert_nonnull (strstr (error->message, "draft.doc"));
  g_assert_nonnull (strstr (error->message, "changed while it was being sent"));
}

typedef struct {
  FmFakeNetworkMonitor *monitor;
  FmTestFixture        *f;
  guint                 acks;
  gint64                requests_when_offline;
  gboolean              went_offline;
  gboolean              saw_waiting;
} Offline;

static gint64
upload_requests (FmTestFixture *f)
{
  g_autoptr(JsonObject) stats = fm_test_stats (f);

  return json_object_get_int_member (stats, "upload_requests");
}

static gboolean
back_online_cb (gpointer data)
{
  Offline *o = data;

  /* nothing new was started while offline: only the requests already on
   * their way when the network went (at most the job's 4) may have
   * reached the server since (a TLS handshake under ASan takes a while) */
  g_assert_cmpint (upload_requests (o->f), <=, o->requests_when_offline + 4);
  fm_fake_network_monitor_set_available (o->monitor, TRUE);
  return G_SOURCE_REMOVE;
}

static void
go_offline_cb (FmUploadJob *job, Offline *o)
{
  if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_WAITING_FOR_NETWORK)
    o->saw_waiting = TRUE;
  if (++o->acks != 10 || o->went_offline)
    return;
  o->went_offline = TRUE;
  fm_fake_network_monitor_set_available (o->monitor, FALSE);
  o->requests_when_offline = upload_requests (o->f);
  g_timeout_add (300, back_online_cb, o);
}

static void
test_offline_then_online (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "trip.mov", 60 * SMALL_CHUNK, 4);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
  g_autoptr(FmFakeNetworkMonitor) monitor = fm_fake_network_monitor_new ();
  /* one attempt per chunk: had going offline spent any, the job would fail */
  g_autoptr(FmRetryPolicy) strict = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 1, NULL);
  g_autoptr(GError) error = NULL;
  Offline o = { monitor, f, 0, 0, FALSE, FALSE };

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "5");
  fm_upload_job_set_retry_policy (job, strict);
  fm_upload_job_set_network_monitor (job, G_NETWORK_MONITOR (monitor));
  g_signal_connect (job, "changed", G_CALLBACK (go_offline_cb), &o);
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  g_assert_true (o.went_offline);
  g_assert_true (o.saw_waiting);
  /* a chunk in flight when the network went may go twice, no more */
  assert_uploaded (f, job, path, "trip.mov", 2);
}

static void
pause_after_cb (FmUploadJob *job, Trigger *t)
{
  if (++t->acks == t->at)
    fm_upload_job_pause (job);
}

static void
test_pause_and_resume_from_json (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "archive.tar", 80 * SMALL_CHUNK + 5, 5);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
  g_autoptr(FmUploadJob) resumed = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmClient) client = NULL;
  g_autoptr(JsonObject) file = NULL;
  Trigger t = { NULL, 0, 20, FALSE };
  gint64 resent = 0;

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "2");
  g_signal_connect (job, "changed", G_CALLBACK (pause_after_cb), &t);
  g_assert_false (run_job (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_PAUSED);
  saved = fm_upload_job_to_json (job);
  g_assert_cmpstr (json_object_get_string_member (saved, "state"), ==, "paused");

  /* a new process: a new client, the job from its JSON */
  client = fm_test_client_new (f);
  resumed = fm_upload_job_new_from_json (client, saved, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fm_upload_job_get_state (resumed), ==, FM_UPLOAD_STATE_PAUSED);
  /* what was acknowledged before the pause counts as sent, nothing more */
  g_assert_cmpint (fm_upload_job_get_bytes_sent (job), >=, 10 * SMALL_CHUNK);
  g_assert_cmpint (fm_upload_job_get_bytes_sent (resumed), ==, fm_upload_job_get_bytes_sent (job));
  g_assert_true (run_job (resumed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fm_upload_job_get_transfer_id (resumed), ==, fm_upload_job_get_transfer_id (job));
  assert_uploaded (f, resumed, path, "archive.tar", 2);
  file = server_file (f, fm_upload_job_get_transfer_id (job), "archive.tar");
  for (guint i = 0; i < 81; i++)
    resent += json_array_get_int_element (json_object_get_array_member (file, "receipts"), i) - 1;
  /* only chunks that were in flight at the pause went twice */
  g_assert_cmpint (resent, <=, 4);
}

/* `filemail send sub/a.bin` (a path as typed), paused, then resumed by
 * another process started in another folder: the saved job names its
 * files by absolute paths, so nothing is lost. */
static void
test_relative_paths_resume (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *a = make_file (f->root, "sub/a.bin", 30 * SMALL_CHUNK + 1, 11);
  g_autofree char *b = make_file (f->root, "sub/b.bin", 12 * SMALL_CHUNK, 12);
  g_autofree char *cwd = g_get_current_dir ();
  const char *paths[] = { "sub/a.bin", "./sub/../sub/b.bin", NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(FmUploadJob) resumed = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmClient) client = NULL;
  JsonArray *sources;
  Trigger t = { NULL, 0, 8, FALSE };

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "2");
  g_assert_cmpint (g_chdir (f->root), ==, 0);
  job = new_job (f, paths, SMALL_CHUNK);
  g_signal_connect (job, "changed", G_CALLBACK (pause_after_cb), &t);
  g_assert_false (run_job (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  saved = fm_upload_job_to_json (job);
  sources = json_object_get_array_member (saved, "sources");
  g_assert_cmpuint (json_array_get_length (sources), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_filename_from_uri (json_array_get_string_element (sources, i), NULL, NULL);

      g_assert_nonnull (path);
      g_assert_true (g_path_is_absolute (path));
    }

  /* another process, started in another folder */
  g_assert_cmpint (g_chdir ("/"), ==, 0);
  client = fm_test_client_new (f);
  resumed = fm_upload_job_new_from_json (client, saved, &error);
  g_assert_no_error (error);
  fm_test_config (f, "slow_ms", "0");
  g_assert_true (run_job (resumed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  assert_uploaded (f, resumed, a, "a.bin", 2);
  assert_uploaded (f, resumed, b, "b.bin", 2);
}

/* A transferurl with a query of its own or a #fragment: every upload
 * parameter still reaches the host (the fragment is dropped before the
 * query is built; appended after it they would never be sent). */
static void
test_transfer_url_fragment (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "frag.bin", 3 * SMALL_CHUNK + 7, 13);
  const char *paths[] = { path, NULL };
  const char *suffixes[] = { "#top", "?via=test#top", "?via=test", NULL };

  fm_test_config (f, "min_chunk_size", "1");
  for (guint i = 0; suffixes[i] != NULL; i++)
    {
      g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
      g_autoptr(GError) error = NULL;

      g_test_message ("transferurl ends in %s", suffixes[i]);
      fm_test_config (f, "upload_url_suffix", suffixes[i]);
      g_assert_true (run_job (job, &error));
      g_assert_no_error (error);
      assert_uploaded (f, job, path, "frag.bin", 1);
    }
}

static void
test_cancel (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "c.bin", 50 * SMALL_CHUNK, 6);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, SMALL_CHUNK);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  Trigger t = { NULL, 0, 5, FALSE };

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "2");
  g_signal_connect (job, "changed", G_CALLBACK (pause_after_cb), &t);
  g_assert_false (run_job (job, &error));
  g_clear_error (&error);
  fm_test_config (f, "slow_ms", "0");
  fm_upload_job_cancel_async (job, NULL, fm_test_async_cb, &result);
  g_assert_cmpint (fm_upload_job_get_state (job), ==, FM_UPLOAD_STATE_CANCELLED);
  g_assert_true (fm_upload_job_cancel_finish (job, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* the server heard of it: the transfer is gone */
  fm_client_transfer_get_async (f->client, fm_upload_job_get_transfer_id (job), NULL, NULL,
                                fm_test_async_cb, &result);
  transfer = fm_client_transfer_get_finish (f->client, fm_test_await (&result), &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
}

/* The reference's own upload example sends 6 GiB files in chunks; sizes
 * and offsets must be 64-bit everywhere. A sparse file costs no disk. */
static void
test_sparse_6gib (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "disk image.raw", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gint64 size = (G_GINT64_CONSTANT (6) << 30) + 12345;
  int fd = open (path, O_CREAT | O_WRONLY, 0600);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_assert_cmpint (pwrite (fd, "tail", 4, size - 4), ==, 4);
  g_assert_cmpint (pwrite (fd, "head", 4, 0), ==, 4);
  close (fd);
  job = new_job (f, paths, 8388608);
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  g_test_message ("6 GiB in %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (fm_upload_job_get_bytes_total (job), ==, size);
  assert_uploaded (f, job, path, "disk image.raw", 1);
}

typedef struct {
  guint   pending;
  GError *errors[2];
} Both;

static void
both_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Both *both = user_data;
  guint i = GPOINTER_TO_UINT (g_object_get_data (source, "index"));

  fm_upload_job_run_finish (FM_UPLOAD_JOB (source), result, &both->errors[i]);
  both->pending--;
}

/* "We recommend to upload not more than 4 chunks in parallel": two
 * transfers at once, each allowed 4, share the upload host's 4. */
static void
test_four_per_host (FmTestFixture *f,
                    gconstpointer  data)
{
  g_autofree char *a = make_file (f->root, "a.bin", 40 * SMALL_CHUNK, 1);
  g_autofree char *b = make_file (f->root, "b.bin", 40 * SMALL_CHUNK, 2);
  const char *pa[] = { a, NULL }, *pb[] = { b, NULL };
  g_autoptr(FmUploadJob) ja = NULL, jb = NULL;
  g_autoptr(JsonObject) stats = NULL;
  Both both = { 2, { NULL, NULL } };

  fm_test_config (f, "min_chunk_size", "1");
  fm_test_config (f, "slow_ms", "20");
  ja = new_job (f, pa, SMALL_CHUNK);
  jb = new_job (f, pb, SMALL_CHUNK);
  g_object_set_data (G_OBJECT (ja), "index", GUINT_TO_POINTER (0));
  g_object_set_data (G_OBJECT (jb), "index", GUINT_TO_POINTER (1));
  fm_upload_job_run_async (ja, NULL, both_done_cb, &both);
  fm_upload_job_run_async (jb, NULL, both_done_cb, &both);
  while (both.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (both.errors[0]);
  g_assert_no_error (both.errors[1]);
  stats = fm_test_stats (f);
  g_test_message ("chunk requests at once on the upload host: %" G_GINT64_FORMAT,
                  json_object_get_int_member (stats, "uploads_in_flight_max"));
  g_assert_cmpint (json_object_get_int_member (stats, "uploads_in_flight_max"), <=, 4);
  g_assert_cmpint (json_object_get_int_member (stats, "uploads_in_flight_max"), >=, 2);
}

typedef struct {
  FmUploadJob   *job;
  FmRateLimiter *limit;
  gint64         start_us;
  gint64         at_1s;       /* bytes sent when the limit went to 2 MB/s … */
  gint64         slowed_us;   /* … and when that was (a busy machine fires timers late) */
  gint64         at_3s;
  gint64         lifted_us;
} Paced;

static gboolean
slow_down_cb (gpointer data)
{
  Paced *p = data;

  p->at_1s = fm_upload_job_get_bytes_sent (p->job);
  p->slowed_us = g_get_monotonic_time ();
  fm_rate_limiter_set_rate (p->limit, 2000000);
  return G_SOURCE_REMOVE;
}

static gboolean
lift_cb (gpointer data)
{
  Paced *p = data;

  p->at_3s = fm_upload_job_get_bytes_sent (p->job);
  p->lifted_us = g_get_monotonic_time ();
  fm_rate_limiter_set_rate (p->limit, 0);
  return G_SOURCE_REMOVE;
}

/* A speed limit holds across the four chunks in flight and changes while
 * the upload runs: 10 MB/s for about a second, 2 MB/s for about two, then
 * none. Only upper bounds are asserted, each against the time that really
 * passed between the changes (a limit can only slow things down, and a
 * busy machine's late timer only widens the window): how fast this
 * machine is does not matter. */
static void
test_speed_limit_live (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *path = make_file (f->root, "paced.bin", 30 * 1000 * 1000, 3);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = new_job (f, paths, 5 * 1000 * 1000);
  g_autoptr(GError) error = NULL;
  Paced p = { job, fm_client_get_upload_limit (f->client), 0, -1, 0, -1, 0 };
  /* the slack: the first burst (a tenth of a second), and the last read of
   * each of four streams, which may start just before a change */
  const gint64 slack = 1000000 + 4 * 65536;

  fm_upload_job_set_parallel (job, 4);
  fm_rate_limiter_set_rate (p.limit, 10000000);
  p.start_us = g_get_monotonic_time ();
  g_timeout_add (1000, slow_down_cb, &p);
  g_timeout_add (3000, lift_cb, &p);
  g_assert_true (run_job (job, &error));
  g_assert_no_error (error);
  g_test_message ("sent %" G_GINT64_FORMAT " bytes in the first second, %" G_GINT64_FORMAT
                  " in the next two", p.at_1s, p.at_3s - p.at_1s);
  g_assert_cmpint (p.at_1s, >=, 0);
  g_assert_cmpint (p.at_1s, <=, 10000000 * (p.slowed_us - p.start_us) / G_USEC_PER_SEC + slack);
  g_assert_cmpint (p.at_3s - p.at_1s, <=, 2000000 * (p.lifted_us - p.slowed_us) / G_USEC_PER_SEC + slack);
  assert_uploaded (f, job, path, "paced.bin", 1);
  fm_rate_limiter_set_rate (p.limit, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/upload/" path, FmTestFixture, NULL, fm_test_fixture_setup, func, fm_test_fixture_teardown)
  ADD ("edge-sizes-and-names", test_edge_sizes_and_names);
  ADD ("folder", test_folder);
  ADD ("bad-inputs-reported-first", test_bad_inputs_reported_first);
  ADD ("non-utf8-names", test_non_utf8_names);
  ADD ("faults", test_faults);
  ADD ("final-failure-in-plain-words", test_final_failure_in_plain_words);
  ADD ("expired-fails-fast", test_expired_fails_fast);
  ADD ("file-changed", test_file_changed);
  ADD ("offline-then-online", test_offline_then_online);
  ADD ("pause-and-resume-from-json", test_pause_and_resume_from_json);
  ADD ("cancel", test_cancel);
  ADD ("relative-paths-resume", test_relative_paths_resume);
  ADD ("transfer-url-fragment", test_transfer_url_fragment);
  ADD ("speed-limit-live", test_speed_limit_live);
  if (g_test_slow ())
    ADD ("sparse-6gib", test_sparse_6gib);
#undef ADD
  g_test_add ("/upload/four-per-host", FmTestFixture, NULL, fm_test_fixture_setup, test_four_per_host,
              fm_test_fixture_teardown);
  return g_test_run ();
}
