/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server-hostile.c: the local server turned against its client
 *
 * Switched on with /test/config (or --hostile): hostile=KIND, optionally
 * hostile_path=/api/… (default: every API and upload path) and
 * hostile_count=N (default: every answer). Each kind is an attack a real
 * network or a compromised server can mount; the client must answer each
 * with a clear error and no crash, hang or runaway memory:
 *
 *   nested        a 200 KB answer nested 100,000 deep (stack overflow bait)
 *   huge          a 64 MiB answer, chunked (no Content-Length to refuse early)
 *   gzip-bomb     Content-Encoding: gzip, 256 KB that inflate to 256 MiB
 *   stall         200 OK, then one byte every second, forever (slow loris)
 *   redirect-http 302 to plain http on another host
 *   oversize      a download that sends 4 MiB more than the file's size
 *   drop-answer   the request is carried out, the answer is never sent
 *   captive       a captive portal: 200 with an HTML page
 *   http-503      503 Service Unavailable (with hostile_count: a storm that passes);
 *                 like error-NNNN, a refusal: the request is not carried out
 *   reference-complete  the reference's own complete example, word for word:
 *                 not valid JSON (no comma before "downloadurl")
 *   link-javascript, link-file  the honest answer with its link (complete's
 *                 downloadurl, transfer/get's url) made javascript:alert(1)
 *                 or file:///etc/passwd
 *   error-NNNN    an error answer with code NNNN (1009, 3004, 4005: transient;
 *                 2012, 2040, 2041: the login is over), in the reference's shape
 *   partial-error-NNNN  the same, cut to a range as a server does that ranges
 *                 any answer: 206 with Content-Range 0-(n-1)/n of the JSON
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "fm-test-server-hostile.h"

#define STALL_TICK_MS 1000

/* ------------------------------------------------------------- bodies */

static GBytes *
nested_body (void)
{
  const gsize depth = 100000;
  GString *s = g_string_sized_new (2 * depth);

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  return g_string_free_to_bytes (s);
}

/* 256 MiB of zeros, gzipped once per process (about 256 KB). */
static GBytes *
gzip_bomb (void)
{
  static GBytes *bomb;

  if (g_once_init_enter (&bomb))
    {
      g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
      g_autofree guint8 *zeros = g_malloc0 (1 << 20);
      GByteArray *out = g_byte_array_new ();
      guint8 buffer[1 << 16];

      for (int i = 0; i <= 256; i++)
        {
          const guint8 *in = zeros;
          gsize left = i < 256 ? (1 << 20) : 0;
          GConverterFlags flags = i < 256 ? G_CONVERTER_NO_FLAGS : G_CONVERTER_INPUT_AT_END;
          GConverterResult r;

          do
            {
              gsize read = 0, written = 0;

              r = g_converter_convert (G_CONVERTER (z), in, left, buffer, sizeof buffer, flags,
                                       &read, &written, NULL);
              g_byte_array_append (out, buffer, (guint) written);
              in += read;
              left -= read;
            }
          while (r != G_CONVERTER_ERROR && r != G_CONVERTER_FINISHED && (left > 0 || i == 256));
        }
      g_once_init_leave (&bomb, g_byte_array_free_to_bytes (out));
    }
  return g_bytes_ref (bomb);
}

/* ------------------------------------------------------------- stall */

typedef struct {
  SoupServerMessage *msg;
  guint              timer;
} Stall;

static void
stall_stop (Stall *stall)
{
  g_clear_handle_id (&stall->timer, g_source_remove);
}

static gboolean
stall_tick_cb (gpointer data)
{
  Stall *stall = data;

  soup_message_body_append (soup_server_message_get_response_body (stall->msg), SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (stall->msg);
  return G_SOURCE_CONTINUE;
}

static void
stall_free (gpointer data)
{
  Stall *stall = data;

  stall_stop (stall);
  g_free (stall);
}

static void
start_stall (SoupServerMessage *msg)
{
  Stall *stall = g_new0 (Stall, 1);

  stall->msg = msg;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, "{", 1);
  stall->timer = g_timeout_add (STALL_TICK_MS, stall_tick_cb, stall);
  /* the message owns the drip: it stops when the client hangs up */
  g_object_set_data_full (G_OBJECT (msg), "fm-stall", stall, stall_free);
  g_signal_connect_swapped (msg, "disconnected", G_CALLBACK (stall_stop), stall);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (stall_stop), stall);
}

/* -------------------------------------------------------------- apply */

static void
replace_answer (SoupServerMessage *msg,
                const char        *type,
                GBytes            *body)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);

  /* the answer is what it is, whatever range was asked for: libsoup's
   * server would cut a 200 to the request's Range (announcing more than
   * it sends when the range lies past this short answer) */
  soup_message_headers_remove (soup_server_message_get_request_headers (msg), "Range");
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Content-Range");
  soup_message_body_truncate (response);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), type, NULL);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           (goffset) g_bytes_get_size (body));
  soup_message_body_append_bytes (response, body);
  soup_message_body_complete (response);
}

static void
huge_answer (SoupServerMessage *msg)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);
  g_autofree char *block = g_malloc (1 << 20);

  memset (block, 'a', 1 << 20);
  soup_message_body_truncate (response);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_body_append (response, SOUP_MEMORY_STATIC, "{\"responsestatus\":\"ok\",\"x\":\"", 28);
  for (int i = 0; i < 64; i++)
    soup_message_body_append (response, SOUP_MEMORY_COPY, block, 1 << 20);
  soup_message_body_append (response, SOUP_MEMORY_STATIC, "\"}", 2);
  soup_message_body_complete (response);
}

static void
oversize_answer (SoupServerMessage *msg)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) real = soup_message_body_flatten (response);
  GByteArray *more = g_byte_array_sized_new ((guint) g_bytes_get_size (real) + (4 << 20));

  g_byte_array_append (more, g_bytes_get_data (real, NULL), (guint) g_bytes_get_size (real));
  g_byte_array_set_size (more, more->len + (4 << 20));
  memset (more->data + g_bytes_get_size (real), 'X', 4 << 20);
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Content-Range");
  {
    g_autoptr(GBytes) body = g_byte_array_free_to_bytes (more);
    replace_answer (msg, "application/octet-stream", body);
  }
}

static gboolean
drop_cb (gpointer data)
{
  GSocket *socket = soup_server_message_get_socket (data);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

gboolean
fm_test_server_hostile_kind_is_known (const char *kind)
{
  static const char *kinds[] = { "nested", "huge", "gzip-bomb", "stall", "redirect-http", "oversize",
                                 "drop-answer", "captive", "http-503" };

  gint64 code = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i]) == 0)
      return TRUE;
  return g_strcmp0 (kind, "reference-complete") == 0 || g_strcmp0 (kind, "link-javascript") == 0 ||
         g_strcmp0 (kind, "link-file") == 0 ||
         (g_str_has_prefix (kind, "error-") &&
          g_ascii_string_to_signed (kind + 6, 10, 1000, 9999, &code, NULL)) ||
         (g_str_has_prefix (kind, "partial-error-") &&
          g_ascii_string_to_signed (kind + 14, 10, 1000, 9999, &code, NULL));
}

/* The honest JSON answer with its link replaced by @link. */
static void
replace_link (SoupServerMessage *msg,
              const char        *link)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GBytes) text = NULL;
  JsonObject *root, *transfer;
  char *data;
  gsize length;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (flat, NULL), (gssize) g_bytes_get_size (flat), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "downloadurl"))
    json_object_set_string_member (root, "downloadurl", link);
  transfer = json_object_has_member (root, "transfer") ? json_object_get_object_member (root, "transfer") : NULL;
  if (transfer != NULL)
    json_object_set_string_member (transfer, "url", link);
  json_generator_set_root (generator, json_parser_get_root (parser));
  data = json_generator_to_data (generator, &length);
  text = g_bytes_new_take (data, length);
  replace_answer (msg, "application/json", text);
}

/* Kinds that stand for the server saying no: the request is not carried
 * out (the others spoil the answer to work that was done). */
gboolean
fm_test_server_hostile_refuses (const char *kind)
{
  return g_str_equal (kind, "http-503") || g_str_has_prefix (kind, "error-") ||
         g_str_has_prefix (kind, "partial-error-");
}

/* The reference's error names for the codes a test asks for. */
static const char *
error_name (gint64 code)
{
  switch (code)
    {
    case 1009: return "ServiceInterruption";
    case 2003: return "InvalidOrExpiredLoginToken";
    case 2012: return "SsoSessionExpired";
    case 2040: return "RefreshTokenExpired";
    case 2041: return "RefreshTokenAlreadyUsed";
    case 3004: return "AllFileserversBusy";
    case 4001: return "TransferExpired";
    case 4004: return "FileIsDeleted";
    case 4005: return "UploadRecentlyUpdated";
    case 4006: return "FileIsInfected";
    default: return "UnknownError";
    }
}

/* Called after the normal handler: @msg holds the honest answer, which
 * this replaces or withholds. */
void
fm_test_server_hostile_apply (const char        *kind,
                              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_equal (kind, "nested"))
    {
      g_autoptr(GBytes) body = nested_body ();
      replace_answer (msg, "application/json", body);
    }
  else if (g_str_equal (kind, "huge"))
    huge_answer (msg);
  else if (g_str_equal (kind, "gzip-bomb"))
    {
      g_autoptr(GBytes) body = gzip_bomb ();
      replace_answer (msg, "application/json", body);
      soup_message_headers_replace (headers, "Content-Encoding", "gzip");
    }
  else if (g_str_equal (kind, "stall"))
    {
      soup_message_body_truncate (soup_server_message_get_response_body (msg));
      start_stall (msg);
    }
  else if (g_str_equal (kind, "redirect-http"))
    {
      soup_message_body_truncate (soup_server_message_get_response_body (msg));
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "http://files.example.invalid/stolen");
    }
  else if (g_str_equal (kind, "oversize"))
    oversize_answer (msg);
  else if (g_str_equal (kind, "http-503"))
    {
      g_autoptr(GBytes) body = g_bytes_new_static ("<html><body>Down for maintenance</body></html>", 46);
      replace_answer (msg, "text/html", body);
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  else if (g_str_equal (kind, "captive"))
    {
      g_autoptr(GBytes) body = g_bytes_new_static ("<html><body>Log in to the hotel Wi-Fi</body></html>", 51);
      replace_answer (msg, "text/html", body);
    }
  else if (g_str_equal (kind, "link-javascript"))
    replace_link (msg, "javascript:alert(1)");
  else if (g_str_equal (kind, "link-file"))
    replace_link (msg, "file:///etc/passwd");
  else if (g_str_equal (kind, "reference-complete"))
    {
      /* 002, /api/transfer/complete, "Example Response", as printed */
      static const char text[] = "{\n  \"responsestatus\": \"ok\"\n"
                                 "  \"downloadurl\": \"https://www.filemail.com/d/HGTUIJBGTRFGJPO\"\n}";
      g_autoptr(GBytes) body = g_bytes_new_static (text, sizeof text - 1);
      replace_answer (msg, "application/json", body);
    }
  else if (g_str_has_prefix (kind, "error-") || g_str_has_prefix (kind, "partial-error-"))
    {
      gboolean partial = g_str_has_prefix (kind, "partial-");
      gint64 code = g_ascii_strtoll (kind + (partial ? 14 : 6), NULL, 10);
      g_autofree char *text = g_strdup_printf ("{\"responsestatus\":\"error\",\"errorcode\":%" G_GINT64_FORMAT
                                               ",\"errorname\":\"%s\",\"errormessage\":\"Injected by the test\"}",
                                               code, error_name (code));
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
      replace_answer (msg, "application/json", body);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      if (partial)
        {
          goffset n = (goffset) strlen (text);

          soup_message_headers_set_content_range (soup_server_message_get_response_headers (msg), 0, n - 1, n);
          soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
        }
    }
  else if (g_str_equal (kind, "drop-answer"))
    {
      /* the work is done (a transfer completed); the answer is lost */
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, 10, drop_cb, g_object_ref (msg), g_object_unref);
    }
}
