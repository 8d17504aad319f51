/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server.c: a strict Filemail-compatible server
 *
 * Answers as the API reference describes: HTTP 200 with a JSON body whose
 * responsestatus is "ok", or "error" with errorcode, errorname and
 * errormessage. Uploads go to a `transferurl` that is not on the API path;
 * their bodies are streamed to disk as they arrive (never accumulated), at
 * the chunk's offset, so chunks may come in any order and in parallel.
 */
#define G_LOG_DOMAIN "fm-test-server"

#include "fm-test-server-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "fm-test-server.h"
#include "fm-test-server-hostile.h"

/* The reference's initialize example answers "transferurl":
 * "http://sl21.filemail.com/api/file/add": another host, another path than
 * the API's. Uploads are served on a second listener (its own port) under
 * the name "localhost", and nowhere else. */
G_DEFINE_FINAL_TYPE (FmTestServer, fm_test_server, G_TYPE_OBJECT)

/* ------------------------------------------------------------- helpers */

const char *
fm_ts_scheme (FmTestServer *self)
{
  return self->tls ? "https" : "http";
}

char *
fm_ts_random_id (FmTestServer *self,
           const char   *alphabet,
           guint         length)
{
  char *id = g_malloc (length + 1);
  gsize n = strlen (alphabet);

  for (guint i = 0; i < length; i++)
    id[i] = alphabet[g_rand_int_range (self->rand, 0, (gint32) n)];
  id[length] = '\0';
  return id;
}

gint64
fm_ts_now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
fm_ts_file_free (File *file)
{
  g_free (file->id);
  g_free (file->name);
  g_free (file->path);
  g_free (file->received);
  g_free (file->receipts);
  g_free (file);
}

void
fm_ts_transfer_free (Transfer *t)
{
  g_free (t->id);
  g_free (t->key);
  g_free (t->download_key);
  g_free (t->owner);
  g_free (t->from);
  g_ptr_array_unref (t->to);
  g_free (t->subject);
  g_free (t->message);
  g_free (t->password);
  g_free (t->init_params);
  g_ptr_array_unref (t->files);
  g_clear_pointer (&t->file_by_name, g_hash_table_unref);
  g_free (t);
}

/* @f goes by its name from now on: each chunk of an upload names its
 * file, and a walk of the transfer's files per chunk made the server's
 * time grow with the square of their count (100,000 files: 5x10^9
 * comparisons), which hid the clients' own cost at that scale. */
void
fm_ts_transfer_name_file (Transfer *t,
                          File     *f)
{
  if (t->file_by_name == NULL)
    t->file_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (t->file_by_name, g_strdup (f->name), f);
}

gboolean
fm_ts_email_is_valid (const char *email)
{
  const char *at = strchr (email, '@');
  const char *dot;

  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;
  dot = strrchr (at, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0')
    return FALSE;
  for (const char *p = email; *p; p++)
    if (g_ascii_isspace (*p) || *p == ',' || *p == ';' || (guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

const Account *
fm_ts_find_account (const char *email)
{
  for (gsize i = 0; i < G_N_ELEMENTS (accounts); i++)
    if (email != NULL && g_ascii_strcasecmp (accounts[i].email, email) == 0)
      return &accounts[i];
  return NULL;
}

const char *
fm_ts_domain_of (const char *email)
{
  const char *at = email != NULL ? strchr (email, '@') : NULL;

  return at != NULL ? at + 1 : "";
}

/* ------------------------------------------------------------ responses */

void
fm_ts_respond_json (SoupServerMessage *msg,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length = 0;
  char *text = json_to_string (root, FALSE);

  length = strlen (text);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static const char *
error_name (int code)
{
  switch (code)
    {
    case 1002: return "InvalidParameter";
    case 1003: return "InputParameterMissing";
    case 1004: return "InvalidEmail";
    case 1005: return "NotFound";
    case 2001: return "WrongUsernamePassword";
    case 2003: return "InvalidOrExpiredLoginToken";
    case 2004: return "AccountExpired";
    case 2005: return "CaptchaRequiredForNextLogin";
    case 2008: return "AccessDenied";
    case 2011: return "UseSsoLink";
    case 3100: return "InvalidTransferState";
    case 4001: return "TransferExpired";
    case 4002: return "PasswordRequired";
    case 4003: return "UploadNotComplete";
    case 4004: return "FileIsDeleted";
    case 4005: return "UploadRecentlyUpdated";
    case 6008: return "FileOperationError";
    default: return "UnknownError";
    }
}

void G_GNUC_PRINTF (3, 4)
fm_ts_respond_error (SoupServerMessage *msg,
               int                code,
               const char        *format,
               ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "responsestatus");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "errorcode");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "errorname");
  json_builder_add_string_value (builder, error_name (code));
  json_builder_set_member_name (builder, "errormessage");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  fm_ts_respond_json (msg, builder);
}

JsonBuilder *
fm_ts_ok_builder (void)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  return builder;
}

void
fm_ts_respond_ok (SoupServerMessage *msg,
            JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "responsestatus");
  json_builder_add_string_value (builder, "ok");
  json_builder_end_object (builder);
  fm_ts_respond_json (msg, builder);
}

void
fm_ts_respond_plain_ok (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = fm_ts_ok_builder ();

  fm_ts_respond_ok (msg, builder);
}

/* -------------------------------------------------------------- params */

const char *
fm_ts_param (GHashTable *params,
       const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

const char *
fm_ts_require_param (SoupServerMessage *msg,
               GHashTable        *params,
               const char        *name)
{
  const char *value = fm_ts_param (params, name);

  if (value == NULL)
    fm_ts_respond_error (msg, 1003, "Required parameter missing: \"%s\"", name);
  return value;
}

gboolean
fm_ts_parse_bool (GHashTable *params,
            const char *name,
            gboolean   *out,
            SoupServerMessage *msg)
{
  const char *value = fm_ts_param (params, name);

  if (value == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    {
      fm_ts_respond_error (msg, 1002, "\"%s\" must be True or False", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_ts_parse_int (const char *value,
           gint64      min,
           gint64      max,
           gint64     *out)
{
  char *end = NULL;
  gint64 v;

  if (value == NULL || *value == '\0')
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (value, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* The API accepts parameters in the query and in a form body. Secrets in
 * the query are counted: a client that puts them there leaks them to
 * every log on the way, and the tests check ours never does. */
static GHashTable *
collect_params (FmTestServer      *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (g_str_equal (key, "password") || g_str_equal (key, "logintoken") ||
              g_str_equal (key, "transferkey"))
            self->secrets_in_query++;
          g_hash_table_insert (params, g_strdup (key), g_strdup (value));
        }
    }
  if (body->length > 0 && g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
    {
      g_autofree char *text = g_strndup (body->data, body->length);
      g_autoptr(GHashTable) form = soup_form_decode (text);

      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (params, g_strdup (key), g_strdup (value));
    }
  return params;
}

/* ------------------------------------------------------- authentication */

static const char *
user_for_token (FmTestServer *self,
                const char   *token)
{
  return token != NULL ? g_hash_table_lookup (self->tokens, token) : NULL;
}

/* The e-mail of the logged-in caller, or NULL after answering the error. */
const char *
fm_ts_require_user (FmTestServer      *self,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  const char *token = fm_ts_require_param (msg, params, "logintoken");
  const char *email;

  if (token == NULL)
    return NULL;
  email = user_for_token (self, token);
  if (email == NULL)
    fm_ts_respond_error (msg, 2003, "The login token is invalid or has expired");
  return email;
}

/* A token is optional on some calls, but one that is sent must be valid. */
gboolean
fm_ts_optional_user (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params,
               const char       **email)
{
  const char *token = fm_ts_param (params, "logintoken");

  *email = NULL;
  if (token == NULL)
    return TRUE;
  *email = user_for_token (self, token);
  if (*email == NULL)
    fm_ts_respond_error (msg, 2003, "The login token is invalid or has expired");
  return *email != NULL;
}

static void
handle_login (FmTestServer      *self,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  const char *username = fm_ts_require_param (msg, params, "username");
  const char *password = username ? fm_ts_require_param (msg, params, "password") : NULL;
  const Account *account;
  g_autoptr(JsonBuilder) builder = NULL;
  char *token;

  if (username == NULL || password == NULL)
    return;
  account = fm_ts_find_account (username);
  if (account == NULL || g_strcmp0 (account->password, password) != 0)
    {
      fm_ts_respond_error (msg, 2001, "Wrong username or password");
      return;
    }
  if (account->login_error != 0)
    {
      fm_ts_respond_error (msg, account->login_error, "Login refused for this account");
      return;
    }

  token = fm_ts_random_id (self, "0123456789abcdef", 32);
  g_hash_table_insert (self->tokens, token, g_strdup (account->email));
  builder = fm_ts_ok_builder ();
  json_builder_set_member_name (builder, "logintoken");
  json_builder_add_string_value (builder, token);
  fm_ts_respond_ok (msg, builder);
}

static void
handle_logout (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  if (fm_ts_require_user (self, msg, params) == NULL)
    return;
  g_hash_table_remove (self->tokens, fm_ts_param (params, "logintoken"));
  fm_ts_respond_plain_ok (msg);
}

/* ------------------------------------------------------------- dispatch */

typedef void (*Handler) (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);

static const struct {
  const char *path;
  Handler     handler;
} routes[] = {
  { "/api/authentication/login", handle_login },
  { "/api/authentication/logout", handle_logout },
  { "/api/transfer/initialize", fm_ts_handle_initialize },
  { "/api/transfer/get", fm_ts_handle_get },
  { "/api/transfer/complete", fm_ts_handle_complete },
  { "/api/transfer/forward", fm_ts_handle_forward },
  { "/api/transfer/cancel", fm_ts_handle_cancel },
  { "/api/transfer/delete", fm_ts_handle_delete },
  { "/api/transfer/update", fm_ts_handle_update },
  { "/api/transfer/file/rename", fm_ts_handle_file_rename },
  { "/api/transfer/file/delete", fm_ts_handle_file_delete },
  { "/api/transfer/sent/get", fm_ts_handle_sent },
  { "/api/transfer/received/get", fm_ts_handle_received },
  { "/api/ziptransfer", fm_ts_handle_ziptransfer },
  { DOWNLOAD_PATH, fm_ts_handle_download },
  { "/test/config", fm_ts_handle_test_config },
  { "/test/expire", fm_ts_handle_test_expire },
  { "/test/age", fm_ts_handle_test_age },
  { "/test/seed", fm_ts_handle_test_seed },
  { "/test/stats", fm_ts_handle_test_stats },
};

/* A client that hung up while its answer was held back has no
 * connection left to answer on. */
static void
finished_cb (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), "fm-finished", GINT_TO_POINTER (TRUE));
}

static void
request_ended_cb (SoupServer        *server,
                  SoupServerMessage *msg)
{
  finished_cb (msg);
}

static gboolean
unpause_cb (gpointer data)
{
  if (g_object_get_data (data, "fm-finished") == NULL)
    soup_server_message_unpause (data);
  return G_SOURCE_REMOVE;
}

static gboolean
check_api_key (FmTestServer      *self,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *params)
{
  if (self->api_key == NULL || g_str_has_prefix (path, "/test/") || g_str_equal (path, DOWNLOAD_PATH))
    return TRUE;
  if (g_strcmp0 (fm_ts_param (params, "apikey"), self->api_key) == 0)
    return TRUE;
  fm_ts_respond_error (msg, 2008, "A valid apikey is required");
  return FALSE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FmTestServer *self = user_data;
  g_autoptr(GHashTable) params = NULL;
  gboolean found = FALSE;
  gboolean spoil = self->hostile != NULL && self->hostile_count != 0 && !g_str_has_prefix (path, "/test/") &&
                   (self->hostile_path == NULL || g_str_equal (path, self->hostile_path));
  /* a refusal (503, an error answer) is not carried out first: the
   * server said no, so nothing happened */
  gboolean refused = spoil && fm_test_server_hostile_refuses (self->hostile);

  /* Each listener answers its own paths only, as two real hosts would. */
  if (refused)
    ;
  else if ((server == self->upload_server) != g_str_equal (path, UPLOAD_PATH))
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else if (server == self->upload_server)
    fm_ts_handle_upload (self, msg);
  else
    {
      params = collect_params (self, msg, query);
      for (gsize i = 0; i < G_N_ELEMENTS (routes) && !found; i++)
        if (g_str_equal (path, routes[i].path))
          {
            found = TRUE;
            if (check_api_key (self, msg, path, params) &&
                fm_ts_strict_check_params (self, msg, path, params))
              routes[i].handler (self, msg, params);
          }
      if (!found)
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
  if (spoil)
    {
      if (self->hostile_count > 0)
        self->hostile_count--;
      fm_test_server_hostile_apply (self->hostile, msg);
    }
  if (self->slow_ms > 0)
    {
      g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), NULL);
      g_signal_connect (msg, "disconnected", G_CALLBACK (finished_cb), NULL);
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, self->slow_ms, unpause_cb,
                          g_object_ref (msg), g_object_unref);
    }
}

/* -------------------------------------------------------------- GObject */

static void
fm_test_server_finalize (GObject *object)
{
  FmTestServer *self = FM_TEST_SERVER (object);

  /* Over https a connection's close waits for its peer's close_notify;
   * in a test the peer may be this very thread. Shut the sockets first. */
  {
    GHashTableIter iter;
    gpointer socket;

    g_hash_table_iter_init (&iter, self->sockets);
    while (g_hash_table_iter_next (&iter, &socket, NULL))
      {
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
        g_object_weak_unref (socket, fm_ts_socket_gone_cb, self);
      }
  }
  g_hash_table_unref (self->sockets);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->upload_server != NULL)
    soup_server_disconnect (self->upload_server);
  g_clear_object (&self->server);
  g_clear_object (&self->upload_server);
  g_hash_table_unref (self->files);
  g_hash_table_unref (self->transfers);
  g_hash_table_unref (self->tokens);
  g_rand_free (self->rand);
  g_free (self->root);
  g_free (self->upload_host);
  g_free (self->upload_url_suffix);
  g_free (self->api_key);
  g_free (self->hostile);
  g_free (self->hostile_path);
  g_free (self->last_update);
  G_OBJECT_CLASS (fm_test_server_parent_class)->finalize (object);
}

static void
fm_test_server_class_init (FmTestServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_test_server_finalize;
}

static void
fm_test_server_init (FmTestServer *self)
{
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) fm_ts_file_free);
  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) fm_ts_transfer_free);
  self->rand = g_rand_new ();
  self->min_chunk_size = MIN_CHUNK_SIZE;
  self->upload_host = g_strdup ("localhost");
  self->hostile_count = -1;
  self->sockets = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->fault_406 = self->fault_449 = self->fault_500 = self->fault_drop = TRUE;
}

FmTestServer *
fm_test_server_new (const char  *root,
                    GError     **error)
{
  g_autoptr(FmTestServer) self = g_object_new (FM_TYPE_TEST_SERVER, NULL);

  if (g_mkdir_with_parents (root, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot create %s: %s", root, g_strerror (errno));
      return NULL;
    }
  self->root = g_strdup (root);
  self->server = soup_server_new ("server-header", "filemail-test-server ", NULL);
  self->upload_server = soup_server_new ("server-header", "filemail-test-server ", NULL);
  for (SoupServer **s = (SoupServer *[]) { self->server, self->upload_server, NULL }; *s; s++)
    {
      soup_server_add_handler (*s, NULL, server_cb, self, NULL);
      g_signal_connect (*s, "request-started", G_CALLBACK (fm_ts_request_started_cb), self);
      g_signal_connect (*s, "request-aborted", G_CALLBACK (request_ended_cb), NULL);
      g_signal_connect (*s, "request-finished", G_CALLBACK (request_ended_cb), NULL);
    }
  return g_steal_pointer (&self);
}

/* Before listening: both listeners serve https with @certificate. */
void
fm_test_server_set_tls_certificate (FmTestServer    *self,
                                    GTlsCertificate *certificate)
{
  g_object_set (self->server, "tls-certificate", certificate, NULL);
  g_object_set (self->upload_server, "tls-certificate", certificate, NULL);
  self->tls = TRUE;
}

gboolean
fm_test_server_listen (FmTestServer  *self,
                       guint          port,
                       GError       **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  GSList *uris;

  SoupServerListenOptions options = self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0;

  if (!soup_server_listen (self->server, address, options, error))
    return FALSE;
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* "localhost" may resolve to ::1 or 127.0.0.1: the upload host listens
   * on both, on one port */
  if (!soup_server_listen_local (self->upload_server, 0, options, error))
    return FALSE;
  uris = soup_server_get_uris (self->upload_server);
  self->upload_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

guint
fm_test_server_get_port (FmTestServer *self)
{
  return self->port;
}

char *
fm_test_server_get_url (FmTestServer *self)
{
  return g_strdup_printf ("%s://127.0.0.1:%u", fm_ts_scheme (self), self->port);
}

static gboolean
set_faults (FmTestServer  *self,
            const char    *list,
            GError       **error)
{
  g_auto(GStrv) kinds = g_strsplit (list, ",", -1);

  self->fault_406 = self->fault_449 = self->fault_500 = self->fault_drop = FALSE;
  for (guint i = 0; kinds[i] != NULL; i++)
    {
      if (g_str_equal (kinds[i], "406")) self->fault_406 = TRUE;
      else if (g_str_equal (kinds[i], "449")) self->fault_449 = TRUE;
      else if (g_str_equal (kinds[i], "500")) self->fault_500 = TRUE;
      else if (g_str_equal (kinds[i], "drop")) self->fault_drop = TRUE;
      else if (*kinds[i] != '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown fault \"%s\" (406, 449, 500, drop)", kinds[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Options shared by the command line and POST /test/config. */
gboolean
fm_test_server_configure (FmTestServer  *self,
                          const char    *name,
                          const char    *value,
                          GError       **error)
{
  gint64 n = 0;

  if (g_str_equal (name, "fault_rate"))
    self->fault_rate = CLAMP (g_ascii_strtod (value, NULL), 0.0, 1.0);
  else if (g_str_equal (name, "faults"))
    return set_faults (self, value, error);
  else if (g_str_equal (name, "slow_ms") && fm_ts_parse_int (value, 0, 60000, &n))
    self->slow_ms = (guint) n;
  else if (g_str_equal (name, "min_chunk_size") && fm_ts_parse_int (value, 1, MAX_CHUNK_SIZE, &n))
    self->min_chunk_size = n;
  else if (g_str_equal (name, "download_drops") && fm_ts_parse_int (value, 0, 1000, &n))
    self->download_drops = (guint) n;
  else if (g_str_equal (name, "connection_rate") && fm_ts_parse_int (value, 0, G_MAXINT64, &n))
    self->connection_rate = (guint64) n;
  else if (g_str_equal (name, "ranges"))
    self->no_ranges = g_str_equal (value, "0");
  else if (g_str_equal (name, "seed") && fm_ts_parse_int (value, 0, G_MAXUINT32, &n))
    g_rand_set_seed (self->rand, (guint32) n);
  else if (g_str_equal (name, "expire_tokens"))
    g_hash_table_remove_all (self->tokens);
  else if (g_str_equal (name, "strict"))
    self->strict = self->update_days_from_now = g_str_equal (value, "1");
  else if (g_str_equal (name, "update_days_from_now"))
    self->update_days_from_now = g_str_equal (value, "1");
  else if (g_str_equal (name, "upload_url_suffix"))
    {
      g_free (self->upload_url_suffix);
      self->upload_url_suffix = g_strdup (value);
    }
  else if (g_str_equal (name, "upload_host"))
    {
      g_free (self->upload_host);
      self->upload_host = g_strdup (value);
    }
  else if (g_str_equal (name, "hostile"))
    {
      if (*value != '\0' && !fm_test_server_hostile_kind_is_known (value))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown hostile kind \"%s\"", value);
          return FALSE;
        }
      g_free (self->hostile);
      self->hostile = *value ? g_strdup (value) : NULL;
    }
  else if (g_str_equal (name, "hostile_path"))
    {
      g_free (self->hostile_path);
      self->hostile_path = *value ? g_strdup (value) : NULL;
    }
  else if (g_str_equal (name, "hostile_count") && fm_ts_parse_int (value, -1, 1000000, &n))
    self->hostile_count = n;
  else if (g_str_equal (name, "api_key"))
    {
      g_free (self->api_key);
      self->api_key = *value ? g_strdup (value) : NULL;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown or invalid setting %s=%s", name, value);
      return FALSE;
    }
  return TRUE;
}

static void
add_file_stats (JsonBuilder *b,
                File        *f)
{
  json_builder_begin_object (b);
  fm_ts_add_string (b, "transferid", f->transfer->id);
  fm_ts_add_string (b, "transferstatus", f->transfer->status);
  fm_ts_add_string (b, "filename", f->name);
  fm_ts_add_string (b, "fileid", f->id);
  fm_ts_add_string (b, "path", f->path);
  fm_ts_add_int (b, "chunks", f->chunks);
  fm_ts_add_int (b, "size", f->size);
  json_builder_set_member_name (b, "receipts");
  json_builder_begin_array (b);
  for (gint64 i = 0; i < f->chunks; i++)
    json_builder_add_int_value (b, f->receipts[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

char *
fm_test_server_get_stats (FmTestServer *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  File *f;
  Transfer *t;

  json_builder_begin_object (b);
  fm_ts_add_int (b, "upload_requests", (gint64) self->upload_requests);
  fm_ts_add_int (b, "uploads_in_flight_max", (gint64) self->uploads_in_flight_max);
  fm_ts_add_int (b, "faults_injected", (gint64) self->faults_injected);
  fm_ts_add_int (b, "range_requests", (gint64) self->range_requests);
  fm_ts_add_int (b, "downloads_in_flight_max", (gint64) self->downloads_in_flight_max);
  fm_ts_add_int (b, "secrets_in_query", (gint64) self->secrets_in_query);
  fm_ts_add_int (b, "chunks_without_md5", (gint64) self->chunks_without_md5);
  fm_ts_add_int (b, "bytes_received", (gint64) self->bytes_received);
  fm_ts_add_int (b, "transfers", g_hash_table_size (self->transfers));
  fm_ts_add_string (b, "last_update", self->last_update);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->files);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &f))
    add_file_stats (b, f);
  json_builder_end_array (b);
  /* what the server knows and the API never tells (tests check it here) */
  json_builder_set_member_name (b, "transfer_details");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      json_builder_set_member_name (b, t->id);
      json_builder_begin_object (b);
      fm_ts_add_string (b, "subject", t->subject);
      fm_ts_add_string (b, "status", t->status);
      fm_ts_add_string (b, "init_params", t->init_params);
      fm_ts_add_int (b, "days", t->days);
      fm_ts_add_int (b, "expire_ms", t->expire_ms);
      json_builder_set_member_name (b, "zip_stale");
      json_builder_add_boolean_value (b, t->zip_stale);
      json_builder_set_member_name (b, "to");
      json_builder_begin_array (b);
      for (guint i = 0; i < t->to->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (t->to, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, TRUE);
}
