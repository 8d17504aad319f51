/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-storage.c: what the client writes to disk, by itself: safe names for
 * downloads, the saved-uploads store, the chunk buffer pool */
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-chunk-io.h"
#include "fm-download-job.h"
#include "fm-download-record.h"
#include "fm-json.h"
#include "fm-list-cache.h"
#include "fm-queue-store.h"
#include "fm-sent-history.h"
#include "fm-test-util.h"
#include "fm-tls-database.h"

/* --------------------------------------------------------- safe names */

static void
check_name (const char *server_name,
            const char *expected)
{
  g_autofree char *safe = fm_download_safe_name (server_name);
  g_autofree char *shown = g_strescape (server_name ? server_name : "(null)", NULL);

  g_test_message ("%s → %s", shown, safe);
  g_assert_cmpstr (safe, ==, expected);
}

/* Every class of hostile name becomes one plain file name in the folder. */
static void
test_safe_names (void)
{
  g_autofree char *long_name = NULL;
  g_autofree char *safe_long = NULL;
  GString *s = g_string_new (NULL);

  /* paths and traversal */
  check_name ("../../.bashrc", "_.._.bashrc");
  check_name ("/etc/passwd", "_etc_passwd");
  check_name ("a/b", "a_b");
  check_name ("a\\b", "a_b");
  check_name ("..", "download");
  check_name (".", "download");
  check_name ("", "download");
  check_name (NULL, "download");
  /* hidden, and trailing dots or spaces other systems drop */
  check_name (".hidden", "hidden");
  check_name ("  spaced  ", "spaced");
  check_name ("name...", "name");
  /* control characters, line breaks, invalid UTF-8, bidi controls */
  check_name ("line\nbreak", "line_break");
  check_name ("bell\007esc\033", "bell_esc_");
  check_name ("del\177", "del_");
  check_name ("caf\xe9.txt", "caf\xef\xbf\xbd.txt");
  check_name ("invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe");
  check_name ("sep\xe2\x80\xa8" "ara", "sep_ara");
  /* names other systems reserve */
  check_name ("CON", "_CON");
  check_name ("con.txt", "_con.txt");
  check_name ("LPT1.log", "_LPT1.log");
  check_name ("CONSOLE.txt", "CONSOLE.txt");
  /* ordinary names stay */
  check_name ("Årsrapport 2024.pdf", "Årsrapport 2024.pdf");
  check_name ("63300102_Østbanebygn_M1etg_MIDL.dwg", "63300102_Østbanebygn_M1etg_MIDL.dwg");

  /* 4 KiB: cut to 200 bytes on a character boundary, extension kept */
  for (int i = 0; i < 1024; i++)
    g_string_append (s, "å\xc3\xa6");   /* 4 bytes each */
  g_string_append (s, ".tar.gz");
  long_name = g_string_free (s, FALSE);
  safe_long = fm_download_safe_name (long_name);
  g_assert_cmpuint (strlen (safe_long), <=, 200);
  g_assert_true (g_str_has_suffix (safe_long, ".gz"));
  g_assert_true (g_utf8_validate (safe_long, -1, NULL));
}

/* Collisions: "name.ext", "name (1).ext", …; a dot at the start is no
 * extension. */
static void
test_candidate_names (void)
{
  g_autofree char *a = fm_download_candidate_name ("report.pdf", 0);
  g_autofree char *b = fm_download_candidate_name ("report.pdf", 1);
  g_autofree char *c = fm_download_candidate_name ("archive.tar.gz", 12);
  g_autofree char *d = fm_download_candidate_name ("README", 2);

  g_assert_cmpstr (a, ==, "report.pdf");
  g_assert_cmpstr (b, ==, "report (1).pdf");
  g_assert_cmpstr (c, ==, "archive.tar (12).gz");
  g_assert_cmpstr (d, ==, "README (2)");
}

/* ------------------------------------------------------------ the store */

static void
flush (FmQueueStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&result), &error));
  g_assert_no_error (error);
}

static JsonObject *
job (const char *id,
     gint64      n)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", id);
  json_object_set_int_member (o, "n", n);
  return o;
}

/* Saves collapse into the last one, land whole and private, and a remove
 * takes the file (and what a killed save left) away. */
static void
test_queue_store (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-store-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "uploads", NULL);
  g_autofree char *path = g_build_filename (dir, "abcd.json", NULL);
  g_autofree char *stale = g_build_filename (dir, "abcd.json.Q1W2E3", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(JsonArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  for (int i = 0; i < 50; i++)
    {
      g_autoptr(JsonObject) o = job ("abcd", i);
      fm_queue_store_save (store, "abcd", o);
    }
  flush (store);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  loaded = fm_queue_store_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (loaded), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (loaded, 0), "n"), ==, 49);

  /* a temporary a killed save left behind goes with the job */
  g_assert_true (g_file_set_contents (stale, "{\"id\":\"abcd\"", -1, NULL));
  fm_queue_store_remove (store, "abcd");
  flush (store);
  g_assert_cmpuint (fm_test_count_entries (dir), ==, 0);
  fm_test_rm_rf (root);
}

static const char *
acked_of (JsonArray *jobs,
          guint      file)
{
  JsonObject *o = json_array_get_object_element (jobs, 0);

  return json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "files"), file),
                                        "acked");
}

/* Acknowledgements go to a journal (a line each, no JSON), the snapshot
 * and its journals read back as one; a line not sealed here, copied from
 * another job or cut by a kill is passed over; the next snapshot takes
 * the journal in and removes it. */
static void
test_queue_store_journal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-journal-XXXXXX", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(JsonNode) node = json_from_string ("{\"version\":1,\"id\":\"beef\",\"chunksize\":10,\"options\":{},"
                                               "\"files\":[{\"uri\":\"file:///a\",\"name\":\"a\",\"size\":100,"
                                               "\"mtime\":1,\"acked\":\"\"},{\"uri\":\"file:///b\",\"name\":\"b\","
                                               "\"size\":35,\"mtime\":1,\"acked\":\"0\"}]}", NULL);
  g_autoptr(JsonArray) loaded = NULL;
  g_autoptr(GDir) d = NULL;
  g_autofree char *journal = NULL;
  const char *name;
  FILE *fp;

  fm_queue_store_save (store, "beef", json_node_get_object (node));
  flush (store);
  g_assert_cmpuint (fm_queue_store_append_ack (store, "beef", 0, 3), ==, 1);
  g_assert_cmpuint (fm_queue_store_append_ack (store, "beef", 0, 4), ==, 2);
  g_assert_cmpuint (fm_queue_store_append_ack (store, "beef", 1, 2), ==, 3);
  /* hostile and broken lines: forged seal, another file than the job has,
   * a chunk past the file's end, a line cut short */
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "beef.acks."))
      journal = g_build_filename (dir, name, NULL);
  g_assert_nonnull (journal);
  fp = fopen (journal, "a");
  fputs ("0 9 0000000000000000\n7 1 0000000000000000\n1 99 ffffffffffffffff\n0 8", fp);
  fclose (fp);
  {
    g_autoptr(FmQueueStore) again = fm_queue_store_new (dir);

    loaded = fm_queue_store_load (again, NULL);
  }
  g_assert_cmpuint (json_array_get_length (loaded), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (loaded, 0), "trusted"));
  g_assert_cmpstr (acked_of (loaded, 0), ==, "3-4");
  g_assert_cmpstr (acked_of (loaded, 1), ==, "0,2");
  /* a snapshot takes it in: the journal goes */
  fm_queue_store_save (store, "beef", json_node_get_object (node));
  flush (store);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  fm_queue_store_remove (store, "beef");
  flush (store);
  g_assert_cmpuint (fm_test_count_entries (dir), ==, 0);
  fm_test_rm_rf (dir);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
write_text (const char *path,
            const char *text)
{
  g_assert_true (g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
}

static gboolean
loaded_trusted (FmQueueStore *store,
                const char   *dir)
{
  g_autoptr(FmQueueStore) again = fm_queue_store_new (dir);
  g_autoptr(JsonArray) loaded = fm_queue_store_load (again, NULL);

  g_assert_cmpuint (json_array_get_length (loaded), ==, 1);
  return json_object_get_boolean_member (json_array_get_object_element (loaded, 0), "trusted");
}

/* A job's files are given to the store as text (a tree of 100,000 files
 * took ~100 MiB for each snapshot) and the seal is of the text as
 * written: read back whole, names with quotes, backslashes and control
 * characters intact; one byte changed and it is no longer sealed; a job
 * sealed the older way (re-serialised by json-glib) still is. */
static void
test_queue_store_text_seal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-seal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cafe.json", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  const char *hostile = "a \"quoted\" \\ back\nslash\t\x01\x7f \xf0\x9f\x93\xb7.jpg";
  g_autoptr(JsonObject) head = json_object_new ();
  g_autoptr(JsonArray) loaded = NULL;
  GString *files = g_string_new ("[{\"name\":");
  g_autofree char *text = NULL, *tampered = NULL;
  JsonObject *file;

  json_object_set_int_member (head, "version", 1);
  json_object_set_string_member (head, "id", "cafe");
  json_object_set_string_member (head, "transferid", "t1");
  fm_json_append_string (files, hostile);
  g_string_append (files, ",\"size\":1}]");
  fm_queue_store_save_with_files (store, "cafe", head, files);
  flush (store);
  {
    g_autoptr(FmQueueStore) again = fm_queue_store_new (dir);

    loaded = fm_queue_store_load (again, NULL);
  }
  g_assert_cmpuint (json_array_get_length (loaded), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (loaded, 0), "trusted"));
  file = json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (loaded, 0),
                                                                      "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, hostile);

  /* one byte of the file list changed: still a job, no longer ours */
  text = read_text (path);
  tampered = g_strdup (text);
  strstr (tampered, "\"size\":1")[7] = '2';
  write_text (path, tampered);
  g_assert_false (loaded_trusted (store, dir));
  /* nor is one whose seal is not the last member's */
  g_free (tampered);
  tampered = g_strdup (text);
  strstr (tampered, "\"mac\"")[3] = 'd';
  write_text (path, tampered);
  g_assert_false (loaded_trusted (store, dir));

  /* as version 0.3 wrote it: pretty-printed, the seal of json-glib's
   * compact form of the tree without "mac" */
  {
    g_autofree char *key_path = g_build_filename (g_get_user_config_dir (), "filemail", "installation-key", NULL);
    g_autofree char *key = read_text (key_path);
    g_autoptr(JsonNode) node = json_from_string (text, NULL);
    g_autoptr(GHmac) hmac = NULL;
    g_autofree char *compact = NULL, *pretty = NULL;

    g_strstrip (key);
    json_object_remove_member (json_node_get_object (node), "mac");
    compact = json_to_string (node, FALSE);
    hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
    g_hmac_update (hmac, (const guchar *) compact, -1);
    json_object_set_string_member (json_node_get_object (node), "mac", g_hmac_get_string (hmac));
    pretty = json_to_string (node, TRUE);
    write_text (path, pretty);
    g_assert_true (loaded_trusted (store, dir));
  }
  fm_test_rm_rf (dir);
}

/* Two flushes at once, with writes still coming: both complete once
 * every write before them is on disk. */
static void
test_queue_store_concurrent_flush (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-store-XXXXXX", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (root);
  g_autoptr(GAsyncResult) first = NULL, second = NULL;
  g_autoptr(JsonArray) loaded = NULL;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("%04x", i);
      g_autoptr(JsonObject) o = job (id, i);

      fm_queue_store_save (store, id, o);
      if (i == 10)
        fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &first);
    }
  fm_queue_store_flush_async (store, NULL, fm_test_async_cb, &second);
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&first), NULL));
  g_assert_true (fm_queue_store_flush_finish (store, fm_test_await (&second), NULL));
  g_assert_true (fm_queue_store_is_idle (store));
  loaded = fm_queue_store_load (store, NULL);
  g_assert_cmpuint (json_array_get_length (loaded), ==, 20);
  fm_test_rm_rf (root);
}

/* --------------------------------------------------------- sent history */

/* Whom transfers went to, remembered here: kept private, extended by a
 * forward, and a damaged, nested or newer file reads as empty, never as
 * a failure. */
/* downloads.json is read from disk: a damaged, nested, newer or lying one
 * answers nothing (never a crash, never a path it did not save), and the
 * next download writes a good one, 0600. */
static void
test_download_record (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-record-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (root, "filemail", "downloads.json", NULL);
  g_autofree char *saved = g_build_filename (root, "report.pdf", NULL);
  g_autofree char *link = g_build_filename (root, "link.pdf", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *bad[] = {
    "not json", "[1,2]", "{\"files\":7}",
    "{\"version\":99,\"files\":{\"T/F\":{\"path\":\"@PATH@\",\"size\":5}}}",   /* newer format */
    "{\"files\":{\"T/F\":{\"path\":\"report.pdf\",\"size\":5}}}",              /* relative */
    "{\"files\":{\"T/F\":{\"path\":\"@PATH@\",\"size\":6}}}",                     /* changed since */
    "{\"files\":{\"T/F\":{\"path\":7,\"size\":\"5\"}}}",                       /* wrong types */
    "{\"files\":{\"T/F\":{\"path\":\"@PATH@\",\"size\":5}}}",                     /* a link, not the file */
  };
  GString *deep = g_string_new ("{\"files\":");
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (saved, "12345", -1, NULL));
  g_assert_cmpint (symlink (saved, link), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FmDownloadRecord) record = fm_download_record_new (path);
      g_autoptr(GString) text = g_string_new (bad[i]);
      g_autofree char *found = NULL;

      g_string_replace (text, "@PATH@", i == G_N_ELEMENTS (bad) - 1 ? link : saved, 0);
      g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
      found = fm_download_record_lookup (record, "T", "F");
      g_assert_null (found);
    }
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_true (g_file_set_contents (path, deep->str, -1, NULL));
  {
    g_autoptr(FmDownloadRecord) record = fm_download_record_new (path);
    g_autofree char *found = NULL;
    g_autofree char *after = NULL;

    found = fm_download_record_lookup (record, "T", "F");
    g_assert_null (found);
    /* the next download replaces the damage with a good file */
    fm_download_record_add (record, "T", "F", saved);
    after = fm_download_record_lookup (record, "T", "F");
    g_assert_cmpstr (after, ==, saved);
    /* written a second later, or when asked */
    g_assert_true (fm_download_record_flush (record));
  }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    /* and a new process reads it back */
    g_autoptr(FmDownloadRecord) again = fm_download_record_new (path);
    g_autofree char *found = fm_download_record_lookup (again, "T", "F");

    g_assert_cmpstr (found, ==, saved);
  }
  g_string_free (deep, TRUE);
  fm_test_rm_rf (root);
}

static void
test_sent_history (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (root, "filemail", "sent-history.json", NULL);
  g_autoptr(FmSentHistory) history = fm_sent_history_new (path);
  g_autoptr(GListStore) list = g_list_store_new (FM_TYPE_TRANSFER);
  const char *bad[] = { "not json", "[1,2]", "{\"version\":99,\"transfers\":{\"A\":{\"to\":[\"x@y.no\"]}}}",
                        "{\"transfers\":{\"A\":{\"to\":[1,{},[]]}}}" };
  g_auto(GStrv) to = NULL, link = NULL, none = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;
  GString *deep = g_string_new ("{\"transfers\":");

  g_assert_true (fm_sent_history_add (history, "A", "bob@example.com, carol@example.com", &error));
  g_assert_true (fm_sent_history_add (history, "L", "", &error));
  g_assert_true (fm_sent_history_add_recipients (history, "A", "dan@example.com", &error));
  g_assert_true (fm_sent_history_add_recipients (history, "ELSEWHERE", "dan@example.com", &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  to = fm_sent_history_lookup (history, "A");
  g_assert_cmpuint (g_strv_length (to), ==, 3);
  g_assert_cmpstr (to[2], ==, "dan@example.com");
  link = fm_sent_history_lookup (history, "L");
  g_assert_nonnull (link);
  g_assert_cmpuint (g_strv_length (link), ==, 0);   /* a link only */
  none = fm_sent_history_lookup (history, "ELSEWHERE");
  g_assert_null (none);                            /* not sent from here */

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FmSentHistory) again = fm_sent_history_new (path);
      g_auto(GStrv) found = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      found = fm_sent_history_lookup (again, "A");
      g_test_message ("%s", bad[i]);
      if (i < 3)
        g_assert_null (found);
      else
        g_assert_cmpuint (g_strv_length (found), ==, 0);   /* entries of the wrong type are skipped */
    }
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_true (g_file_set_contents (path, deep->str, -1, NULL));
  {
    g_autoptr(FmSentHistory) again = fm_sent_history_new (path);
    g_auto(GStrv) found = fm_sent_history_lookup (again, "A");

    g_assert_null (found);
  }
  g_string_free (deep, TRUE);
  fm_test_rm_rf (root);
}

/* --------------------------------------------------------- buffer pool */

static gboolean
count_release_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_REMOVE;
}

/* The pool never hands out more than its buffers; a buffer comes back when
 * the last reference to its bytes goes, and the owner hears of it from the
 * main loop. */
static void
test_buffer_pool (void)
{
  guint released = 0;
  FmBufferPool *pool = fm_buffer_pool_new (1024, 2, count_release_cb, &released, NULL);
  guint8 *a = fm_buffer_pool_acquire (pool);
  guint8 *b = fm_buffer_pool_acquire (pool);
  GBytes *bytes;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_false (fm_buffer_pool_can_acquire (pool));
  g_assert_cmpuint (fm_buffer_pool_get_in_use (pool), ==, 2);

  memset (a, 'x', 1024);
  bytes = fm_buffer_pool_wrap (pool, a, 100);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 100);
  g_bytes_unref (bytes);
  g_assert_true (fm_buffer_pool_can_acquire (pool));
  while (released == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (released, ==, 1);

  fm_buffer_pool_release (pool, b);
  g_assert_cmpuint (fm_buffer_pool_get_in_use (pool), ==, 0);
  /* after disconnect, a release wakes nobody */
  fm_buffer_pool_disconnect (pool);
  fm_buffer_pool_release (pool, fm_buffer_pool_acquire (pool));
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (released, <=, 2);
  fm_buffer_pool_unref (pool);
}

static FmTransfer *
cached_transfer (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  FmTransfer *t = fm_transfer_new_from_json (json_node_get_object (node), NULL);

  g_assert_nonnull (t);
  return t;
}

/* The last known lists: written 0600 in a 0700 folder, read back with
 * what transfer/get added, found by subject, sender, recipient and file
 * name, cleared at logout, and never trusted: a damaged file, a link or
 * a newer version is no cache. */
static void
test_list_cache (void)
{
  g_autofree char *root = g_dir_make_tmp ("fm-lists-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "lists", NULL);
  g_autoptr(FmListCache) cache = fm_list_cache_new (dir);
  g_autoptr(FmListCache) fresh = NULL;
  g_autoptr(GListStore) list = g_list_store_new (FM_TYPE_TRANSFER);
  g_autoptr(FmTransfer) a = cached_transfer ("{\"id\": \"AAA\", \"subject\": \"Quarterly numbers\", "
                                             "\"sentdate\": 1764547200, \"responsestatus\": \"STATUS_COMPLETE\"}");
  g_autoptr(FmTransfer) details = cached_transfer ("{\"id\": \"AAA\", \"from\": \"bob@example.com\", "
                                                   "\"files\": [{\"fileid\": \"f1\", \"filename\": \"Q3.xlsx\", "
                                                   "\"filesize\": 12, \"downloadurl\": \"https://x/d\"}]}");
  g_autoptr(FmTransfer) b = cached_transfer ("{\"id\": \"BBB\", \"subject\": \"Holiday\"}");
  g_autoptr(GListModel) loaded = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(FmTransfer) looked_up = NULL;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "https://s alice@example.com", -1);
  g_autofree char *name = g_strdup_printf ("%.16s-received.json", hash);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const char *by_subject[] = { "quarterly", NULL };
  const char *by_sender_and_file[] = { "BOB", "q3.xls", NULL };
  const char *nothing[] = { "quarterly", "holiday", NULL };
  gint64 saved_at = 0;
  FmListKind kind = FM_LIST_SENT;
  struct stat st;

  fm_transfer_merge_details (a, details);
  g_list_store_append (list, a);
  g_list_store_append (list, b);
  fm_list_cache_save (cache, "https://s alice@example.com", FM_LIST_RECEIVED, G_LIST_MODEL (list));
  fm_list_cache_flush (cache);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* the first screen apart (0600 too): the newest 25, newest first,
   * whatever the list's own order */
  {
    g_autofree char *first_name = g_strdup_printf ("%.16s-received-first.json", hash);
    g_autofree char *first_path = g_build_filename (dir, first_name, NULL);
    g_autoptr(GListStore) many = g_list_store_new (FM_TYPE_TRANSFER);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GListModel) first = NULL;
    g_autoptr(GListModel) whole = NULL;

    g_assert_cmpint (stat (first_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    for (guint i = 0; i < 50; i++)
      {
        /* oldest first, the 7th the newest of all */
        g_autofree char *json = g_strdup_printf ("{\"id\": \"M%02u\", \"sentdate\": %u}", i,
                                                 i == 7 ? 1800000000 : 1700000000 + i);
        g_autoptr(FmTransfer) t = cached_transfer (json);

        g_list_store_append (many, t);
      }
    fm_list_cache_save (cache, "https://s dave@example.com", FM_LIST_SENT, G_LIST_MODEL (many));
    fm_list_cache_flush (cache);
    fm_list_cache_load_first_async (cache, "https://s dave@example.com", FM_LIST_SENT, NULL, fm_test_async_cb,
                                    &result);
    first = fm_list_cache_load_finish (cache, fm_test_await (&result), NULL, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (first), ==, 25);
    {
      g_autoptr(FmTransfer) newest = g_list_model_get_item (first, 0);
      g_autoptr(FmTransfer) next = g_list_model_get_item (first, 1);
      g_autoptr(FmTransfer) last = g_list_model_get_item (first, 24);

      g_assert_cmpstr (fm_transfer_get_id (newest), ==, "M07");
      g_assert_cmpstr (fm_transfer_get_id (next), ==, "M49");
      g_assert_cmpstr (fm_transfer_get_id (last), ==, "M26");
    }
    whole = fm_list_cache_load (cache, "https://s dave@example.com", FM_LIST_SENT, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (whole), ==, 50);
    fm_list_cache_clear (cache, "https://s dave@example.com");
    fm_list_cache_flush (cache);
    {
      g_autofree char *dave = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "https://s dave@example.com", -1);
      g_autofree char *gone = g_strdup_printf ("%s/%.16s-sent-first.json", dir, dave);

      g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
    }
  }

  /* a new run reads it back, details and all */
  fresh = fm_list_cache_new (dir);
  loaded = fm_list_cache_load (fresh, "https://s alice@example.com", FM_LIST_RECEIVED, &saved_at);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (g_list_model_get_n_items (loaded), ==, 2);
  g_assert_cmpint (saved_at, >, 0);
  {
    g_autoptr(FmTransfer) first = g_list_model_get_item (loaded, 0);

    g_assert_cmpstr (fm_transfer_get_subject (first), ==, "Quarterly numbers");
    g_assert_cmpstr (fm_transfer_get_from (first), ==, "bob@example.com");
    g_assert_true (fm_transfer_get_details_loaded (first));
    g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (first)), ==, 1);
    g_assert_cmpint (fm_transfer_get_sent_date (first), ==, 1764547200);
  }
  /* another account has nothing */
  g_assert_null (fm_list_cache_load (fresh, "https://s carol@example.com", FM_LIST_RECEIVED, NULL));

  found = fm_list_cache_search (fresh, "https://s alice@example.com", by_subject);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (found->pdata[0], ==, "received:AAA");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fm_list_cache_search (fresh, "https://s alice@example.com", by_sender_and_file);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fm_list_cache_search (fresh, "https://s alice@example.com", nothing);
  g_assert_cmpuint (found->len, ==, 0);
  looked_up = fm_list_cache_lookup (fresh, "https://s alice@example.com", "received:AAA", &kind);
  g_assert_nonnull (looked_up);
  g_assert_cmpint (kind, ==, FM_LIST_RECEIVED);
  g_assert_null (fm_list_cache_lookup (fresh, "https://s alice@example.com", "received:../../x", NULL));
  g_assert_null (fm_list_cache_lookup (fresh, "https://s alice@example.com", "nonsense", NULL));

  /* hostile files: none of them is a cache, none of them crashes */
  {
    const char *bad[] = {
      "{", "[]", "{\"version\": 2, \"transfers\": []}", "{\"version\": 1, \"transfers\": {}}",
      "{\"version\": 1, \"transfers\": [1, \"x\", {\"subject\": \"no id\"}, {\"id\": 7}]}",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(FmListCache) hostile = fm_list_cache_new (dir);
        g_autoptr(GListModel) none = NULL;

        g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
        none = fm_list_cache_load (hostile, "https://s alice@example.com", FM_LIST_RECEIVED, NULL);
        g_assert_true (none == NULL || g_list_model_get_n_items (none) == 0);
      }
    /* one bad entry is skipped, not the list */
    {
      g_autoptr(FmListCache) hostile = fm_list_cache_new (dir);
      g_autoptr(GListModel) some = NULL;

      g_assert_true (g_file_set_contents (path, "{\"version\": 1, \"transfers\": [[], {\"id\": \"OK\", "
                                                "\"files\": 7, \"to\": [1, \"a@b.c\"]}]}", -1, NULL));
      some = fm_list_cache_load (hostile, "https://s alice@example.com", FM_LIST_RECEIVED, NULL);
      g_assert_cmpuint (g_list_model_get_n_items (some), ==, 1);
    }
    /* nested deeper than anyone writes */
    {
      GString *deep = g_string_new ("{\"version\": 1, \"transfers\": ");
      g_autoptr(FmListCache) hostile = fm_list_cache_new (dir);

      for (int i = 0; i < 100000; i++)
        g_string_append_c (deep, '[');
      g_assert_true (g_file_set_contents (path, deep->str, -1, NULL));
      g_string_free (deep, TRUE);
      g_assert_null (fm_list_cache_load (hostile, "https://s alice@example.com", FM_LIST_RECEIVED, NULL));
    }
    /* a link in its place is not followed */
    {
      g_autofree char *elsewhere = g_build_filename (root, "elsewhere.json", NULL);
      g_autoptr(FmListCache) hostile = fm_list_cache_new (dir);

      g_assert_true (g_file_set_contents (elsewhere, "{\"version\": 1, \"transfers\": [{\"id\": \"EVIL\"}]}",
                                          -1, NULL));
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_assert_cmpint (symlink (elsewhere, path), ==, 0);
      g_assert_null (fm_list_cache_load (hostile, "https://s alice@example.com", FM_LIST_RECEIVED, NULL));
    }
  }

  /* logout: gone from the disk and from memory */
  fm_list_cache_clear (fresh, "https://s alice@example.com");
  fm_list_cache_flush (fresh);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
  found = fm_list_cache_search (fresh, "https://s alice@example.com", by_subject);
  g_assert_cmpuint (found->len, ==, 0);
  fm_test_rm_rf (root);
}

/* Every state and config file the client reads, made hostile the ways a
 * writable state folder allows: a FIFO (a plain read waits forever), a
 * link to /dev/zero (a plain read fills memory), a folder, a 100 MiB
 * file. Each reader returns at once with nothing (or a sentence). */
typedef enum { HOSTILE_FIFO, HOSTILE_ZERO_LINK, HOSTILE_DIRECTORY, HOSTILE_HUGE, N_HOSTILE } HostileKind;

static void
make_hostile (const char  *path,
              HostileKind  kind)
{
  fm_test_rm_rf (path);
  switch (kind)
    {
    case HOSTILE_FIFO:
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      break;
    case HOSTILE_ZERO_LINK:
      g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
      break;
    case HOSTILE_DIRECTORY:
      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      break;
    case HOSTILE_HUGE:
      {
        int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (ftruncate (fd, 100 * 1024 * 1024), ==, 0);   /* sparse: no disk */
        close (fd);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A temporary a killed writer left ("<id>.json.XXXXXX", with the transfer
 * key in it) goes at the next load when nobody owns that job, at once;
 * one of a job another process owns (its write may be under way) stays. */
static void
test_stale_temporaries (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-temps-XXXXXX", NULL);
  g_autofree char *orphan = g_build_filename (dir, "aaaa1111.json.QWERTY", NULL);
  g_autofree char *owned = g_build_filename (dir, "bbbb2222.json.ASDFGH", NULL);
  g_autofree char *lock = g_build_filename (dir, "bbbb2222.lock", NULL);
  g_autoptr(FmQueueStore) store = fm_queue_store_new (dir);
  g_autoptr(JsonArray) loaded = NULL;
  int fd;

  g_assert_true (g_file_set_contents (orphan, "{}", -1, NULL));
  g_assert_true (g_file_set_contents (owned, "{}", -1, NULL));
  fd = open (lock, O_RDWR | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
  loaded = fm_queue_store_load (store, NULL);
  g_assert_nonnull (loaded);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (owned, G_FILE_TEST_EXISTS));
  close (fd);
  fm_test_rm_rf (dir);
}

static void
test_hostile_state_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-hostile-state-XXXXXX", NULL);
  g_autofree char *history_path = g_build_filename (dir, "sent-history.json", NULL);
  g_autofree char *record_path = g_build_filename (dir, "downloads.json", NULL);
  g_autofree char *ca_path = g_build_filename (dir, "company-ca.pem", NULL);
  g_autofree char *jobs = g_build_filename (dir, "uploads", NULL);
  g_autofree char *job_path = g_build_filename (jobs, "abcd1234.json", NULL);

  g_mkdir (jobs, 0700);
  for (int kind = 0; kind < N_HOSTILE; kind++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GError) error = NULL;

      g_test_message ("kind %d", kind);
      /* sent-history.json */
      make_hostile (history_path, (HostileKind) kind);
      {
        g_autoptr(FmSentHistory) history = fm_sent_history_new (history_path);
        g_auto(GStrv) to = fm_sent_history_lookup (history, "ABC");

        g_assert_null (to);
      }
      /* downloads.json */
      make_hostile (record_path, (HostileKind) kind);
      {
        g_autoptr(FmDownloadRecord) record = fm_download_record_new (record_path);
        g_autofree char *found = fm_download_record_lookup (record, "T", "F");

        g_assert_null (found);
      }
      /* a company CA file (FILEMAIL_CA_FILE, --ca-file, Preferences) */
      make_hostile (ca_path, (HostileKind) kind);
      {
        g_autoptr(GTlsDatabase) database = fm_tls_database_new (ca_path, &error);

        g_assert_null (database);
        g_assert_nonnull (error);
        g_test_message ("CA: %s", error->message);
        g_clear_error (&error);
      }
      /* a saved upload */
      make_hostile (job_path, (HostileKind) kind);
      {
        g_autoptr(FmQueueStore) store = fm_queue_store_new (jobs);
        g_autoptr(JsonArray) loaded = NULL;
        g_autofree char *bad = g_strconcat (job_path, ".bad", NULL);

        g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
        loaded = fm_queue_store_load (store, NULL);
        g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
        g_assert_nonnull (loaded);
        g_assert_cmpuint (json_array_get_length (loaded), ==, 0);
        fm_test_rm_rf (job_path);
        fm_test_rm_rf (bad);
      }
      /* each kind is answered at once: a FIFO is not waited on */
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    }
  fm_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storage/safe-names", test_safe_names);
  g_test_add_func ("/storage/candidate-names", test_candidate_names);
  g_test_add_func ("/storage/queue-store", test_queue_store);
  g_test_add_func ("/storage/queue-store-journal", test_queue_store_journal);
  g_test_add_func ("/storage/queue-store-text-seal", test_queue_store_text_seal);
  g_test_add_func ("/storage/queue-store-concurrent-flush", test_queue_store_concurrent_flush);
  g_test_add_func ("/storage/sent-history", test_sent_history);
  g_test_add_func ("/storage/download-record", test_download_record);
  g_test_add_func ("/storage/list-cache", test_list_cache);
  g_test_add_func ("/storage/buffer-pool", test_buffer_pool);
  g_test_add_func ("/storage/hostile-state-files", test_hostile_state_files);
  g_test_add_func ("/storage/stale-temporaries", test_stale_temporaries);
  return g_test_run ();
}
