/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-util.c: shared helpers for the C tests */
#include <glib/gstdio.h>

#include "fm-test-util.h"

/* Every test gets its own server in its own folder, in-process: the
 * client and the server share the main loop, which keeps tests fast and
 * deterministic. The CLI tests spawn the real server binary instead. */
/* A certificate authority and a certificate it signed for @names (SAN
 * entries such as "IP:127.0.0.1,DNS:localhost"), made with openssl in
 * @dir: ca.pem, server.pem, server.key. */
gboolean
fm_test_make_certificates (const char *dir,
                           const char *names)
{
  g_autofree char *ext = g_build_filename (dir, "ext.cnf", NULL);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                                               "extendedKeyUsage=serverAuth\n", names);
  g_autofree char *script = g_strdup_printf (
    "cd '%s' && "
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Filemail Test CA' -keyout ca.key -out ca.pem "
    "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign && "
    "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr && "
    "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out server.pem "
    "-extfile ext.cnf", dir);
  const char *argv[] = { "sh", "-c", script, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (ext, ext_text, -1, NULL))
    return FALSE;
  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

/* FM_TEST_TLS=1: the server speaks https, with a certificate of a test CA
 * the client is told to trust (as a company's CA would be). */
static const char *
tls_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("fm-tls-XXXXXX", NULL);
      g_assert_true (fm_test_make_certificates (dir, "IP:127.0.0.1,DNS:localhost"));
    }
  return dir;
}

void
fm_test_fixture_setup (FmTestFixture *fixture,
                       gconstpointer  data)
{
  gboolean tls = g_strcmp0 (g_getenv ("FM_TEST_TLS"), "1") == 0;
  g_autoptr(GError) error = NULL;

  fixture->root = g_dir_make_tmp ("fm-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->server = fm_test_server_new (fixture->root, &error);
  g_assert_no_error (error);
  if (tls)
    {
      g_autofree char *cert = g_build_filename (tls_dir (), "server.pem", NULL);
      g_autofree char *key = g_build_filename (tls_dir (), "server.key", NULL);
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);

      g_assert_no_error (error);
      fm_test_server_set_tls_certificate (fixture->server, certificate);
    }
  fm_test_server_listen (fixture->server, 0, &error);
  g_assert_no_error (error);
  fixture->url = fm_test_server_get_url (fixture->server);
  fixture->client = fm_client_new (fixture->url, &error);
  g_assert_no_error (error);
  if (tls)
    {
      g_autofree char *ca = g_build_filename (tls_dir (), "ca.pem", NULL);

      g_assert_true (fm_client_set_ca_file (fixture->client, ca, &error));
      g_assert_no_error (error);
    }
  {
    /* idempotent calls retry transient failures: quickly, in tests */
    g_autoptr(FmRetryPolicy) quick = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 4,
                                                   "base-delay-ms", 1, "max-delay-ms", 20, NULL);
    fm_client_set_retry_policy (fixture->client, quick);
  }
}

/* Another client of the fixture's server, as a second process would make
 * it: the same trust (the test CA over https), the same quick retries. */
FmClient *
fm_test_client_new (FmTestFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmRetryPolicy) quick = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 4,
                                                 "base-delay-ms", 1, "max-delay-ms", 20, NULL);
  FmClient *client = fm_client_new (fixture->url, &error);

  g_assert_no_error (error);
  if (g_strcmp0 (g_getenv ("FM_TEST_TLS"), "1") == 0)
    {
      g_autofree char *ca = g_build_filename (tls_dir (), "ca.pem", NULL);
      g_assert_true (fm_client_set_ca_file (client, ca, NULL));
    }
  fm_client_set_retry_policy (client, quick);
  return client;
}

void
fm_test_fixture_teardown (FmTestFixture *fixture,
                          gconstpointer  data)
{
  /* The client's connections close first, while the main loop still
   * runs (the server shuts its sockets down itself before it
   * disconnects: see fm_test_server_finalize). */
  soup_session_abort (fm_client_get_session (fixture->client));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->server);
  fm_test_rm_rf (fixture->root);
  g_free (fixture->root);
  g_free (fixture->url);
  /* Let pending idle callbacks (connection teardown) run before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
fm_test_async_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Runs the main loop until the callback stored a result in @slot. */
GAsyncResult *
fm_test_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

char *
fm_test_login (FmTestFixture *fixture,
               const char    *email)
{
  g_autofree char *password = g_strdup_printf ("%.*s-password",
                                               (int) (strchr (email, '@') - email), email);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  fm_client_login_async (fixture->client, email, password, NULL, fm_test_async_cb, &result);
  token = fm_client_login_finish (fixture->client, fm_test_await (&result), &error);
  g_assert_no_error (error);
  return token;
}

void
fm_test_config (FmTestFixture *fixture,
                const char    *name,
                const char    *value)
{
  g_autoptr(GError) error = NULL;

  fm_test_server_configure (fixture->server, name, value, &error);
  g_assert_no_error (error);
}

JsonObject *
fm_test_stats (FmTestFixture *fixture)
{
  g_autofree char *text = fm_test_server_get_stats (fixture->server);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

char *
fm_test_source_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, name, NULL);
}

void
fm_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      fm_test_rm_rf (child);
    }
  g_rmdir (path);
}

/* How many entries a folder holds (0 if it does not exist). */
guint
fm_test_count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* A line of /proc/self/status in KiB: "VmRSS" (now), "VmHWM" (the peak);
 * -1 if it cannot be read. */
long
fm_test_memory_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, key)) == NULL)
    return -1;
  return strtol (line + strlen (key), NULL, 10);
}
