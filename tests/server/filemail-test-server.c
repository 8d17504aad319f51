/* SPDX-License-Identifier: GPL-3.0-or-later */
/* filemail-test-server: a strict Filemail-compatible server on 127.0.0.1
 *
 *   filemail-test-server --port 0 --root /tmp/fm-server
 *
 * prints the base URL to use as FILEMAIL_API_URL on its first line of
 * output, then serves until SIGINT or SIGTERM.
 */
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "fm-test-server.h"

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  int port = 0;
  g_autofree char *root = NULL;
  g_autofree char *faults = NULL, *upload_host = NULL, *api_key = NULL, *hostile = NULL, *hostile_path = NULL;
  g_autofree char *tls_cert = NULL, *tls_key = NULL;
  double fault_rate = 0;
  gint64 connection_rate = 0;
  gboolean no_ranges = FALSE;
  int slow_ms = 0, min_chunk = 0, seed = -1;
  gboolean strict = FALSE;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: pick a free one)", "N" },
    { "root", 'r', 0, G_OPTION_ARG_FILENAME, &root, "Folder for uploaded files", "DIR" },
    { "fault-rate", 0, 0, G_OPTION_ARG_DOUBLE, &fault_rate, "Share of uploads answered with a fault (0–1)", "R" },
    { "faults", 0, 0, G_OPTION_ARG_STRING, &faults, "Faults to inject: 406,449,500,drop", "LIST" },
    { "slow-ms", 0, 0, G_OPTION_ARG_INT, &slow_ms, "Delay every answer by N ms", "N" },
    { "connection-rate", 0, 0, G_OPTION_ARG_INT64, &connection_rate,
      "Send each download answer at most this fast (bytes/s), as a far or shaped path would", "BYTES" },
    { "no-ranges", 0, 0, G_OPTION_ARG_NONE, &no_ranges, "Downloads ignore Range (200, the whole file)", NULL },
    { "min-chunk-size", 0, 0, G_OPTION_ARG_INT, &min_chunk, "Smallest chunksize accepted (default 5000000)", "BYTES" },
    { "upload-host", 0, 0, G_OPTION_ARG_STRING, &upload_host, "Host name put in transferurl", "HOST" },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key, "Require this apikey on API calls", "KEY" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed for fault injection", "N" },
    { "hostile", 0, 0, G_OPTION_ARG_STRING, &hostile,
      "Attack the client: nested, huge, gzip-bomb, stall, redirect-http, oversize, drop-answer, captive, "
      "http-503, reference-complete, error-NNNN (1009, 3004, 4005, 2012, 2040, 2041…)", "KIND" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "Serve https with this PEM certificate", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "Its PEM private key", "FILE" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict,
      "Refuse every parameter the API reference does not list; take the other reading where it is silent", NULL },
    { "hostile-path", 0, 0, G_OPTION_ARG_STRING, &hostile_path, "Only on this path (default: all)", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a local Filemail-compatible server");
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTestServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "filemail-test-server: %s\n", error->message);
      return 2;
    }
  if (root == NULL)
    root = g_dir_make_tmp ("filemail-server-XXXXXX", NULL);
  server = fm_test_server_new (root, &error);
  if (server != NULL && tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (tls_cert, tls_key ? tls_key : tls_cert,
                                                                                &error);
      if (certificate == NULL)
        {
          fprintf (stderr, "filemail-test-server: %s\n", error->message);
          return 1;
        }
      fm_test_server_set_tls_certificate (server, certificate);
    }
  if (server == NULL || !fm_test_server_listen (server, (guint) port, &error))
    {
      fprintf (stderr, "filemail-test-server: %s\n", error->message);
      return 1;
    }
#define SET(name, value) \
  if (!fm_test_server_configure (server, name, value, &error)) \
    { fprintf (stderr, "filemail-test-server: %s\n", error->message); return 2; }
  if (faults != NULL) { SET ("faults", faults); }
  if (upload_host != NULL) { SET ("upload_host", upload_host); }
  if (api_key != NULL) { SET ("api_key", api_key); }
  if (hostile != NULL) { SET ("hostile", hostile); }
  if (hostile_path != NULL) { SET ("hostile_path", hostile_path); }
  if (strict) { SET ("strict", "1"); }
  if (no_ranges) { SET ("ranges", "0"); }
  if (connection_rate > 0) { g_autofree char *r = g_strdup_printf ("%" G_GINT64_FORMAT, connection_rate); SET ("connection_rate", r); }
  {
    g_autofree char *r = g_strdup_printf ("%g", fault_rate);
    g_autofree char *s = g_strdup_printf ("%d", slow_ms);
    SET ("fault_rate", r);
    SET ("slow_ms", s);
  }
  if (min_chunk > 0) { g_autofree char *m = g_strdup_printf ("%d", min_chunk); SET ("min_chunk_size", m); }
  if (seed >= 0) { g_autofree char *s = g_strdup_printf ("%d", seed); SET ("seed", s); }
#undef SET

  url = fm_test_server_get_url (server);
  printf ("%s\n", url);
  fflush (stdout);
  fprintf (stderr, "filemail-test-server: serving %s, files in %s\n", url, root);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  return 0;
}
