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
#define UPLOAD_PATH     "/api/file/add"
#define DOWNLOAD_PATH   "/api/file/get"
#define MAX_CHUNK_SIZE  G_GINT64_CONSTANT (50000000)
#define MIN_CHUNK_SIZE  G_GINT64_CONSTANT (5000000)

typedef struct {
  const char *email;
  const char *password;
  int         login_error;   /* answered instead of a token */
  gboolean    admin;
} Account;

/* Test accounts: documented in HACKING.md. */
static const Account accounts[] = {
  { "alice@example.com", "alice-password", 0, TRUE },
  { "bob@example.com", "bob-password", 0, FALSE },
  { "carol@example.com", "carol-password", 0, FALSE },
  { "captcha@example.com", "captcha-password", 2005, FALSE },
  { "expired@example.com", "expired-password", 2004, FALSE },
  { "sso@example.com", "sso-password", 2011, FALSE },
};

typedef struct _Transfer Transfer;

typedef struct {
  Transfer *transfer;
  char     *id;
  char     *name;
  char     *path;
  gint64    chunk_size;
  gint64    chunks;
  gint64    size;          /* known once the last chunk arrived */
  guint8   *received;      /* one flag per chunk */
  guint    *receipts;      /* how many times each chunk was accepted */
  gint64    n_received;
  gboolean  deleted;
} File;

struct _Transfer {
  char      *id;
  char      *key;
  char      *download_key;
  char      *owner;        /* e-mail of the logged-in sender, or NULL */
  char      *from;
  GPtrArray *to;
  char      *subject;
  char      *message;
  char      *password;
  gboolean   notify;
  gboolean   confirmation;
  gint64     days;
  gint64     sent_ms;
  gint64     expire_ms;
  gint64     downloads;
  gint64     transfer_size;
  const char *status;
  gboolean   deleted;
  GPtrArray *files;
};

struct _FmTestServer
{
  GObject      parent_instance;

  SoupServer  *server;
  SoupServer  *upload_server;   /* the transferurl's host: UPLOAD_PATH only */
  gboolean     tls;             /* both listeners serve https */
  GPtrArray   *sockets;         /* every connection's, shut down before disconnect */
  char        *root;
  guint        port;
  guint        upload_port;
  GHashTable  *tokens;        /* token -> e-mail */
  GHashTable  *transfers;     /* id -> Transfer */
  GHashTable  *files;         /* file id -> File */
  GRand       *rand;

  /* Fault injection, set by options or /test/config */
  double       fault_rate;
  gboolean     fault_406, fault_449, fault_500, fault_drop;
  guint        slow_ms;
  guint        download_drops;   /* the next N downloads are cut halfway */
  gint64       min_chunk_size;
  char        *upload_host;
  char        *api_key;
  char        *last_update;      /* the fields of the last transfer/update */
  char        *hostile;          /* fm-test-server-hostile.c: NULL, or a kind */
  char        *hostile_path;     /* NULL: every API and upload path */
  gint64       hostile_count;    /* answers left to spoil; -1: all */

  /* Counters for /test/stats */
  guint64      upload_requests;
  guint        uploads_in_flight;
  guint        uploads_in_flight_max;   /* the most chunk requests at once */
  guint64      faults_injected;
  guint64      secrets_in_query;
  guint64      chunks_without_md5;
  guint64      bytes_received;
};

G_DEFINE_FINAL_TYPE (FmTestServer, fm_test_server, G_TYPE_OBJECT)

/* ------------------------------------------------------------- helpers */

static const char *
scheme (FmTestServer *self)
{
  return self->tls ? "https" : "http";
}

typedef enum {
  SHAPE_GET,
  SHAPE_SENT_ITEM,
  SHAPE_RECEIVED_ITEM,
} TransferShape;

static char *
random_id (FmTestServer *self,
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

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
file_free (File *file)
{
  g_free (file->id);
  g_free (file->name);
  g_free (file->path);
  g_free (file->received);
  g_free (file->receipts);
  g_free (file);
}

static void
transfer_free (Transfer *t)
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
  g_ptr_array_unref (t->files);
  g_free (t);
}

static gboolean
email_is_valid (const char *email)
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

static const Account *
find_account (const char *email)
{
  for (gsize i = 0; i < G_N_ELEMENTS (accounts); i++)
    if (email != NULL && g_ascii_strcasecmp (accounts[i].email, email) == 0)
      return &accounts[i];
  return NULL;
}

static const char *
domain_of (const char *email)
{
  const char *at = email != NULL ? strchr (email, '@') : NULL;

  return at != NULL ? at + 1 : "";
}

/* ------------------------------------------------------------ responses */

static void
respond_json (SoupServerMessage *msg,
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

static void G_GNUC_PRINTF (3, 4)
respond_error (SoupServerMessage *msg,
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
  respond_json (msg, builder);
}

static JsonBuilder *
ok_builder (void)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  return builder;
}

static void
respond_ok (SoupServerMessage *msg,
            JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "responsestatus");
  json_builder_add_string_value (builder, "ok");
  json_builder_end_object (builder);
  respond_json (msg, builder);
}

static void
respond_plain_ok (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = ok_builder ();

  respond_ok (msg, builder);
}

/* -------------------------------------------------------------- params */

static const char *
param (GHashTable *params,
       const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static const char *
require_param (SoupServerMessage *msg,
               GHashTable        *params,
               const char        *name)
{
  const char *value = param (params, name);

  if (value == NULL)
    respond_error (msg, 1003, "Required parameter missing: \"%s\"", name);
  return value;
}

static gboolean
parse_bool (GHashTable *params,
            const char *name,
            gboolean   *out,
            SoupServerMessage *msg)
{
  const char *value = param (params, name);

  if (value == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    {
      respond_error (msg, 1002, "\"%s\" must be True or False", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_int (const char *value,
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
static const char *
require_user (FmTestServer      *self,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  const char *token = require_param (msg, params, "logintoken");
  const char *email;

  if (token == NULL)
    return NULL;
  email = user_for_token (self, token);
  if (email == NULL)
    respond_error (msg, 2003, "The login token is invalid or has expired");
  return email;
}

/* A token is optional on some calls, but one that is sent must be valid. */
static gboolean
optional_user (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params,
               const char       **email)
{
  const char *token = param (params, "logintoken");

  *email = NULL;
  if (token == NULL)
    return TRUE;
  *email = user_for_token (self, token);
  if (*email == NULL)
    respond_error (msg, 2003, "The login token is invalid or has expired");
  return *email != NULL;
}

static void
handle_login (FmTestServer      *self,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  const char *username = require_param (msg, params, "username");
  const char *password = username ? require_param (msg, params, "password") : NULL;
  const Account *account;
  g_autoptr(JsonBuilder) builder = NULL;
  char *token;

  if (username == NULL || password == NULL)
    return;
  account = find_account (username);
  if (account == NULL || g_strcmp0 (account->password, password) != 0)
    {
      respond_error (msg, 2001, "Wrong username or password");
      return;
    }
  if (account->login_error != 0)
    {
      respond_error (msg, account->login_error, "Login refused for this account");
      return;
    }

  token = random_id (self, "0123456789abcdef", 32);
  g_hash_table_insert (self->tokens, token, g_strdup (account->email));
  builder = ok_builder ();
  json_builder_set_member_name (builder, "logintoken");
  json_builder_add_string_value (builder, token);
  respond_ok (msg, builder);
}

static void
handle_logout (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  if (require_user (self, msg, params) == NULL)
    return;
  g_hash_table_remove (self->tokens, param (params, "logintoken"));
  respond_plain_ok (msg);
}

/* ------------------------------------------------------------ transfers */

/* An anonymous transfer (no login at initialize) has no owner at all. */
static gboolean
is_owner (Transfer   *t,
          const char *user)
{
  return t->owner != NULL && user != NULL && g_str_equal (t->owner, user);
}

static gboolean
transfer_is_expired (Transfer *t)
{
  return t->expire_ms > 0 && t->expire_ms <= now_ms ();
}

/* Finds a live transfer or answers the error the reference lists. */
static Transfer *
lookup_transfer (FmTestServer      *self,
                 SoupServerMessage *msg,
                 const char        *id)
{
  Transfer *t = g_hash_table_lookup (self->transfers, id);

  if (t == NULL || t->deleted || g_strcmp0 (t->status, "STATUS_CANCELLED") == 0)
    {
      respond_error (msg, 1005, "Transfer not found: %s", id);
      return NULL;
    }
  if (transfer_is_expired (t))
    {
      respond_error (msg, 4001, "The transfer has expired");
      return NULL;
    }
  return t;
}

static Transfer *
lookup_owned_transfer (FmTestServer      *self,
                       SoupServerMessage *msg,
                       GHashTable        *params,
                       const char        *user)
{
  const char *id = require_param (msg, params, "transferid");
  Transfer *t = id != NULL ? lookup_transfer (self, msg, id) : NULL;

  if (t != NULL && !is_owner (t, user))
    {
      respond_error (msg, 2008, "Only the sender can change this transfer");
      return NULL;
    }
  return t;
}

static gboolean
check_recipients (SoupServerMessage *msg,
                  const char        *list,
                  GPtrArray         *out)
{
  g_auto(GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *email = g_strstrip (parts[i]);

      if (*email == '\0')
        continue;
      if (!email_is_valid (email))
        {
          respond_error (msg, 1004, "Invalid e-mail address: %s", email);
          return FALSE;
        }
      g_ptr_array_add (out, g_strdup (email));
    }
  return TRUE;
}

static gboolean
source_is_valid (const char *source)
{
  static const char *valid[] = { "Web", "Iphone", "Ipad", "WindowsPhone", "WindowsTab",
                                 "AndroidPhone", "AndroidTab", "Outlook", "Desktop" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    if (g_strcmp0 (source, valid[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_initialize_fields (SoupServerMessage *msg,
                         GHashTable        *params,
                         Transfer          *t)
{
  const char *from = param (params, "from");
  const char *subject = param (params, "subject");
  const char *source = param (params, "source");
  const char *days = param (params, "days");
  const char *size = param (params, "transfersize");

  if (from != NULL && !email_is_valid (from))
    {
      respond_error (msg, 1004, "Invalid sender address: %s", from);
      return FALSE;
    }
  if (subject != NULL && g_utf8_strlen (subject, -1) > 200)
    {
      respond_error (msg, 1002, "The subject is longer than 200 characters");
      return FALSE;
    }
  if (source != NULL && !source_is_valid (source))
    {
      respond_error (msg, 1002, "Invalid source: %s", source);
      return FALSE;
    }
  if (days != NULL && !parse_int (days, 1, 3650, &t->days))
    {
      respond_error (msg, 1002, "\"days\" must be a number of days");
      return FALSE;
    }
  if (size != NULL && !parse_int (size, 0, G_MAXINT64, &t->transfer_size))
    {
      respond_error (msg, 1002, "\"transfersize\" must be a number of bytes");
      return FALSE;
    }
  if (!parse_bool (params, "notify", &t->notify, msg) ||
      !parse_bool (params, "confirmation", &t->confirmation, msg))
    return FALSE;
  if (param (params, "to") != NULL && !check_recipients (msg, param (params, "to"), t->to))
    return FALSE;
  t->from = g_strdup (from);
  t->subject = g_strdup (subject);
  t->message = g_strdup (param (params, "message"));
  t->password = g_strdup (param (params, "password"));
  return TRUE;
}

static Transfer *
transfer_new (void)
{
  Transfer *t = g_new0 (Transfer, 1);

  t->to = g_ptr_array_new_with_free_func (g_free);
  t->files = g_ptr_array_new ();
  t->days = 7;
  t->transfer_size = -1;
  t->status = "STATUS_INITIALIZED";
  return t;
}

static void
handle_initialize (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params)
{
  const char *user = NULL;
  Transfer *t;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *upload_url = NULL;

  if (!optional_user (self, msg, params, &user))
    return;
  t = transfer_new ();
  if (!parse_initialize_fields (msg, params, t))
    {
      transfer_free (t);
      return;
    }
  t->owner = g_strdup (user);
  if (t->from == NULL)
    t->from = g_strdup (user);
  t->id = random_id (self, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15);
  t->key = random_id (self, "0123456789abcdef", 32);
  t->download_key = random_id (self, "0123456789abcdef", 16);
  t->sent_ms = now_ms ();
  t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);
  g_hash_table_insert (self->transfers, t->id, t);

  upload_url = g_strdup_printf ("%s://%s:%u" UPLOAD_PATH, scheme (self), self->upload_host, self->upload_port);
  builder = ok_builder ();
  json_builder_set_member_name (builder, "transferid");
  json_builder_add_string_value (builder, t->id);
  json_builder_set_member_name (builder, "transferkey");
  json_builder_add_string_value (builder, t->key);
  json_builder_set_member_name (builder, "transferurl");
  json_builder_add_string_value (builder, upload_url);
  respond_ok (msg, builder);
}

static Transfer *
lookup_keyed_transfer (FmTestServer      *self,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  const char *id = require_param (msg, params, "transferid");
  const char *key = id ? require_param (msg, params, "transferkey") : NULL;
  Transfer *t = key != NULL ? lookup_transfer (self, msg, id) : NULL;

  if (t != NULL && g_strcmp0 (t->key, key) != 0)
    {
      respond_error (msg, 2008, "Wrong transfer key");
      return NULL;
    }
  return t;
}

static gint64
live_size (Transfer *t,
           guint    *n_files)
{
  gint64 size = 0;

  *n_files = 0;
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (f->deleted)
        continue;
      size += f->size;
      (*n_files)++;
    }
  return size;
}

static gboolean
all_files_complete (Transfer *t)
{
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (f->n_received != f->chunks)
        return FALSE;
    }
  return TRUE;
}

static void
handle_complete (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  Transfer *t = lookup_keyed_transfer (self, msg, params);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *url = NULL;
  guint n_files;
  gint64 size;

  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      respond_error (msg, 3100, "The transfer is already %s", t->status);
      return;
    }
  if (t->files->len == 0)
    {
      respond_error (msg, 3100, "The transfer has no files");
      return;
    }
  if (!all_files_complete (t))
    {
      respond_error (msg, 4003, "Some chunks have not been uploaded");
      return;
    }
  size = live_size (t, &n_files);
  if (t->transfer_size >= 0 && size != t->transfer_size)
    {
      respond_error (msg, 1002, "transfersize was %" G_GINT64_FORMAT
                     " but %" G_GINT64_FORMAT " bytes were uploaded", t->transfer_size, size);
      return;
    }
  t->status = "STATUS_COMPLETE";
  t->sent_ms = now_ms ();
  t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);

  url = g_strdup_printf ("%s://127.0.0.1:%u/d/%s", scheme (self), self->port, t->id);
  builder = ok_builder ();
  json_builder_set_member_name (builder, "downloadurl");
  json_builder_add_string_value (builder, url);
  respond_ok (msg, builder);
}

static void
handle_cancel (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  Transfer *t = lookup_keyed_transfer (self, msg, params);

  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      respond_error (msg, 3100, "Only an unfinished transfer can be cancelled");
      return;
    }
  t->status = "STATUS_CANCELLED";
  respond_plain_ok (msg);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_file_json (FmTestServer *self,
               JsonBuilder  *b,
               Transfer     *t,
               File         *f)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u" DOWNLOAD_PATH "?fileid=%s&dk=%s",
                                          scheme (self), self->port, f->id, t->download_key);
  g_autofree char *preview = g_strdup_printf ("%s://127.0.0.1:%u/images/icons/file.png",
                                              scheme (self), self->port);

  json_builder_begin_object (b);
  add_string (b, "filename", f->name);
  add_int (b, "filesize", f->size);
  add_string (b, "downloadurl", url);
  add_string (b, "fileid", f->id);
  add_string (b, "smallpreview", preview);
  add_string (b, "largepreview", preview);
  json_builder_end_object (b);
}

/* Exactly the reference's shapes, no convenience field:
 * - transfer/get: from, message, expiredate, downloads, sentdate (ms),
 *   files, notify, status, id, url, size. No subject, no recipients.
 * - sent/get items: from, subject, message, expiredate, downloads,
 *   sentdate (seconds), files (always []: "Invoke /api/transfer/get in
 *   order to get filelist"), notify, responsestatus (the transfer's state),
 *   id. received/get items: the same without from. No recipients, link,
 *   size or files. */
static void
add_transfer_json (FmTestServer *self,
                   JsonBuilder  *b,
                   Transfer     *t,
                   TransferShape shape)
{
  gboolean detailed = shape == SHAPE_GET;
  gint64 div = detailed ? 1 : 1000;

  json_builder_begin_object (b);
  if (shape != SHAPE_RECEIVED_ITEM)
    add_string (b, "from", t->from);
  if (!detailed)
    add_string (b, "subject", t->subject);
  add_string (b, "message", t->message);
  add_int (b, "expiredate", t->expire_ms / div);
  add_int (b, "downloads", t->downloads);
  add_int (b, "sentdate", t->sent_ms / div);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; detailed && i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (!f->deleted)
        add_file_json (self, b, t, f);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "notify");
  json_builder_add_boolean_value (b, t->notify);
  add_string (b, detailed ? "status" : "responsestatus", t->status);
  add_string (b, "id", t->id);
  if (detailed)
    {
      g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/d/%s", scheme (self), self->port, t->id);
      guint n_files;

      add_string (b, "url", url);
      add_int (b, "size", live_size (t, &n_files));
    }
  json_builder_end_object (b);
}

static void
handle_get (FmTestServer      *self,
            SoupServerMessage *msg,
            GHashTable        *params)
{
  const char *id = require_param (msg, params, "transferid");
  const char *user = NULL;
  const char *password = param (params, "password");
  Transfer *t;
  g_autoptr(JsonBuilder) builder = NULL;

  if (id == NULL || !optional_user (self, msg, params, &user))
    return;
  t = lookup_transfer (self, msg, id);
  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_COMPLETE") != 0 && !is_owner (t, user))
    {
      respond_error (msg, 4003, "The upload is not complete");
      return;
    }
  if (t->password != NULL && !is_owner (t, user) &&
      g_strcmp0 (password, t->password) != 0)
    {
      respond_error (msg, 4002, password ? "Wrong password" : "This transfer needs a password");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "transfer");
  add_transfer_json (self, builder, t, SHAPE_GET);
  /* The reference's transfer/get example answers "OK" in capitals. */
  add_string (builder, "responsestatus", "OK");
  json_builder_end_object (builder);
  respond_json (msg, builder);
}

static void
handle_forward (FmTestServer      *self,
                SoupServerMessage *msg,
                GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;
  const char *to = t ? require_param (msg, params, "to") : NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);

  if (to == NULL || !check_recipients (msg, to, added))
    return;
  if (added->len == 0)
    {
      respond_error (msg, 1003, "Required parameter missing: \"to\"");
      return;
    }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (t->to, g_strdup (g_ptr_array_index (added, i)));
  respond_plain_ok (msg);
}

static void
remove_transfer_data (FmTestServer *self,
                      Transfer     *t)
{
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      g_unlink (f->path);
      f->deleted = TRUE;
    }
}

static void
handle_delete (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;

  if (t == NULL)
    return;
  remove_transfer_data (self, t);
  t->deleted = TRUE;
  respond_plain_ok (msg);
}

static void
handle_update (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;
  const char *subject, *days;
  gint64 n_days = 0;
  gboolean notify;

  if (t == NULL)
    return;
  /* which fields the client sent, for tests (/test/stats) */
  g_free (self->last_update);
  self->last_update = g_strdup_printf ("%s%s%s%s", param (params, "subject") ? "subject," : "",
                                       param (params, "message") ? "message," : "",
                                       param (params, "days") ? "days," : "",
                                       param (params, "notify") ? "notify," : "");
  subject = param (params, "subject");
  days = param (params, "days");
  notify = t->notify;
  if (subject != NULL && g_utf8_strlen (subject, -1) > 200)
    {
      respond_error (msg, 1002, "The subject is longer than 200 characters");
      return;
    }
  if (days != NULL && !parse_int (days, 1, 3650, &n_days))
    {
      respond_error (msg, 1002, "\"days\" must be a number of days");
      return;
    }
  if (!parse_bool (params, "notify", &notify, msg))
    return;
  if (subject != NULL)
    {
      g_free (t->subject);
      t->subject = g_strdup (subject);
    }
  if (g_hash_table_contains (params, "message"))
    {
      g_free (t->message);
      t->message = g_strdup (g_hash_table_lookup (params, "message"));
    }
  if (days != NULL)
    {
      t->days = n_days;
      t->expire_ms = now_ms () + n_days * 86400 * G_GINT64_CONSTANT (1000);
    }
  t->notify = notify;
  respond_plain_ok (msg);
}

/* Finds a live file the caller may change, or answers the error. */
static File *
lookup_owned_file (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params,
                   const char        *user)
{
  const char *id = require_param (msg, params, "fileid");
  File *f = id != NULL ? g_hash_table_lookup (self->files, id) : NULL;

  if (id == NULL)
    return NULL;
  if (f == NULL || f->transfer->deleted)
    {
      respond_error (msg, 1005, "File not found: %s", id);
      return NULL;
    }
  if (f->deleted)
    {
      respond_error (msg, 4004, "The file is deleted");
      return NULL;
    }
  if (!is_owner (f->transfer, user))
    {
      respond_error (msg, 2008, "Only the sender can change this file");
      return NULL;
    }
  return f;
}

static void
handle_file_rename (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  File *f = user ? lookup_owned_file (self, msg, params, user) : NULL;
  const char *name = f ? require_param (msg, params, "filename") : NULL;

  if (name == NULL)
    return;
  if (strpbrk (name, "<>:\"/\\|?*") != NULL)
    {
      respond_error (msg, 1002, "The file name contains a character that is not allowed");
      return;
    }
  g_free (f->name);
  f->name = g_strdup (name);
  respond_plain_ok (msg);
}

static void
handle_file_delete (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  File *f = user ? lookup_owned_file (self, msg, params, user) : NULL;

  if (f == NULL)
    return;
  g_unlink (f->path);
  f->deleted = TRUE;
  respond_plain_ok (msg);
}

static gboolean
is_recipient (Transfer   *t,
              const char *email)
{
  for (guint i = 0; i < t->to->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (t->to, i), email) == 0)
      return TRUE;
  return FALSE;
}

static gint
compare_sent (gconstpointer a,
              gconstpointer b)
{
  const Transfer *ta = *(Transfer **) a, *tb = *(Transfer **) b;

  return ta->sent_ms < tb->sent_ms ? 1 : ta->sent_ms > tb->sent_ms ? -1 : strcmp (ta->id, tb->id);
}

static void
respond_list (FmTestServer      *self,
              SoupServerMessage *msg,
              GPtrArray         *list,
              TransferShape      shape)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_ptr_array_sort (list, compare_sent);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "transfers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_transfer_json (self, builder, g_ptr_array_index (list, i), shape);
  json_builder_end_array (builder);
  add_string (builder, "responsestatus", "OK");
  json_builder_end_object (builder);
  respond_json (msg, builder);
}

static gboolean
check_all_users (SoupServerMessage *msg,
                 GHashTable        *params,
                 const char        *name,
                 const char        *user,
                 gboolean          *all)
{
  *all = FALSE;
  if (!parse_bool (params, name, all, msg))
    return FALSE;
  if (*all && !find_account (user)->admin)
    {
      respond_error (msg, 2008, "Only a company administrator can see all users' transfers");
      return FALSE;
    }
  return TRUE;
}

static void
handle_sent (FmTestServer      *self,
             SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean expired = FALSE, all = FALSE;
  GHashTableIter iter;
  Transfer *t;

  if (user == NULL || !parse_bool (params, "getexpired", &expired, msg) ||
      !check_all_users (msg, params, "getforallusers", user, &all))
    return;
  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      gboolean mine = is_owner (t, user) ||
                      (all && t->owner && g_str_equal (domain_of (t->owner), domain_of (user)));

      if (mine && !t->deleted && g_strcmp0 (t->status, "STATUS_CANCELLED") != 0 &&
          (expired || !transfer_is_expired (t)))
        g_ptr_array_add (list, t);
    }
  respond_list (self, msg, list, SHAPE_SENT_ITEM);
}

static gboolean
received_by (Transfer   *t,
             const char *user,
             gboolean    all)
{
  if (is_recipient (t, user))
    return TRUE;
  for (guint i = 0; all && i < t->to->len; i++)
    if (g_str_equal (domain_of (g_ptr_array_index (t->to, i)), domain_of (user)))
      return TRUE;
  return FALSE;
}

static void
handle_received (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  const char *user = require_user (self, msg, params);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean all = FALSE;
  gint64 from = 0;
  GHashTableIter iter;
  Transfer *t;

  if (user == NULL || !check_all_users (msg, params, "getForAllUsers", user, &all))
    return;
  if (param (params, "from") != NULL && !parse_int (param (params, "from"), 0, G_MAXINT64, &from))
    {
      respond_error (msg, 1002, "\"from\" must be a time in milliseconds");
      return;
    }
  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (!t->deleted && g_strcmp0 (t->status, "STATUS_COMPLETE") == 0 &&
        t->sent_ms >= from && !transfer_is_expired (t) && received_by (t, user, all))
      g_ptr_array_add (list, t);
  respond_list (self, msg, list, SHAPE_RECEIVED_ITEM);
}

/* -------------------------------------------------------------- uploads */

typedef enum {
  FAULT_NONE,
  FAULT_406,
  FAULT_449,
  FAULT_500,
  FAULT_DROP,
} Fault;

typedef struct {
  File       *file;
  int         fd;
  gint64      chunk;
  gint64      received;
  gboolean    duplicate;    /* chunk already stored: verify, do not write */
  EVP_MD_CTX *md5;
  char       *md5_param;
  int         error_code;
  char       *error_message;
  Fault       fault;
  gboolean    dropped;
} Upload;

static void
upload_free (Upload *u)
{
  if (u->fd >= 0)
    close (u->fd);
  if (u->md5 != NULL)
    EVP_MD_CTX_free (u->md5);
  g_free (u->md5_param);
  g_free (u->error_message);
  g_free (u);
}

static void G_GNUC_PRINTF (3, 4)
upload_fail (Upload     *u,
             int         code,
             const char *format,
             ...)
{
  va_list args;

  if (u->error_code != 0)
    return;
  u->error_code = code;
  va_start (args, format);
  u->error_message = g_strdup_vprintf (format, args);
  va_end (args);
}

static Fault
pick_fault (FmTestServer *self)
{
  Fault enabled[4];
  guint n = 0;

  if (self->fault_rate <= 0 || g_rand_double (self->rand) >= self->fault_rate)
    return FAULT_NONE;
  if (self->fault_406) enabled[n++] = FAULT_406;
  if (self->fault_449) enabled[n++] = FAULT_449;
  if (self->fault_500) enabled[n++] = FAULT_500;
  if (self->fault_drop) enabled[n++] = FAULT_DROP;
  if (n == 0)
    return FAULT_NONE;
  self->faults_injected++;
  return enabled[g_rand_int_range (self->rand, 0, (gint32) n)];
}

static File *
file_for_upload (FmTestServer *self,
                 Transfer     *t,
                 const char   *name,
                 gint64        chunk_size,
                 gint64        chunks,
                 Upload       *u)
{
  File *f;

  for (guint i = 0; i < t->files->len; i++)
    {
      f = g_ptr_array_index (t->files, i);
      if (g_strcmp0 (f->name, name) != 0 || f->deleted)
        continue;
      if (f->chunk_size != chunk_size || f->chunks != chunks)
        {
          upload_fail (u, 1002, "chunksize and chunks must stay the same for every chunk of a file");
          return NULL;
        }
      return f;
    }
  f = g_new0 (File, 1);
  f->transfer = t;
  f->id = random_id (self, "0123456789abcdef", 32);
  f->name = g_strdup (name);
  f->path = g_build_filename (self->root, t->id, f->id, NULL);
  f->chunk_size = chunk_size;
  f->chunks = chunks;
  f->received = g_new0 (guint8, chunks);
  f->receipts = g_new0 (guint, chunks);
  g_ptr_array_add (t->files, f);
  g_hash_table_insert (self->files, f->id, f);
  return f;
}

/* Chunk arithmetic per the reference: a constant chunksize within 5–50 MB,
 * chunks = ceil(size / chunksize) (1 for an empty file), a 0-based chunk.
 * Without chunk parameters the body is the whole file, at most 50 MB. */
static gboolean
parse_chunking (FmTestServer *self,
                GHashTable   *q,
                goffset       content_length,
                gint64       *chunk_size,
                gint64       *chunks,
                gint64       *chunk,
                Upload       *u)
{
  gboolean any = param (q, "chunksize") || param (q, "chunks") || param (q, "chunk");

  if (!any)
    {
      if (content_length < 0 || content_length > MAX_CHUNK_SIZE)
        {
          upload_fail (u, 1002, "An upload without chunks must have a Content-Length of at most 50 MB");
          return FALSE;
        }
      *chunk_size = MAX_CHUNK_SIZE;
      *chunks = 1;
      *chunk = 0;
      return TRUE;
    }
  if (!parse_int (param (q, "chunksize"), self->min_chunk_size, MAX_CHUNK_SIZE, chunk_size))
    {
      upload_fail (u, 1002, "chunksize must be between %" G_GINT64_FORMAT " and 50000000 bytes",
                   self->min_chunk_size);
      return FALSE;
    }
  if (!parse_int (param (q, "chunks"), 1, G_MAXINT64 / *chunk_size, chunks) || *chunks > G_MAXINT32)
    {
      upload_fail (u, 1002, "chunks must be a positive number");
      return FALSE;
    }
  if (!parse_int (param (q, "chunk"), 0, *chunks - 1, chunk))
    {
      upload_fail (u, 1002, "chunk must be between 0 and chunks - 1");
      return FALSE;
    }
  return TRUE;
}

static Transfer *
transfer_for_upload (FmTestServer *self,
                     GHashTable   *q,
                     Upload       *u)
{
  const char *names[] = { "transferid", "transferkey", "thefilename" };
  Transfer *t;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (param (q, names[i]) == NULL)
      {
        upload_fail (u, 1003, "Required parameter missing: \"%s\"", names[i]);
        return NULL;
      }
  t = g_hash_table_lookup (self->transfers, param (q, "transferid"));
  if (t == NULL || t->deleted)
    {
      upload_fail (u, 1005, "Transfer not found");
      return NULL;
    }
  if (g_strcmp0 (t->key, param (q, "transferkey")) != 0)
    {
      upload_fail (u, 2008, "Wrong transfer key");
      return NULL;
    }
  if (transfer_is_expired (t))
    {
      upload_fail (u, 4001, "The transfer has expired");
      return NULL;
    }
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      upload_fail (u, 3100, "Files can only be added before the transfer is complete");
      return NULL;
    }
  return t;
}

static void
upload_open (FmTestServer      *self,
             SoupServerMessage *msg,
             Upload            *u)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) q = g_uri_get_query (uri) ? soup_form_decode (g_uri_get_query (uri))
                                                  : g_hash_table_new (g_str_hash, g_str_equal);
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));
  gint64 chunk_size = 0, chunks = 0;
  Transfer *t = transfer_for_upload (self, q, u);
  g_autofree char *dir = NULL;

  if (t == NULL || !parse_chunking (self, q, length, &chunk_size, &chunks, &u->chunk, u))
    return;
  u->file = file_for_upload (self, t, param (q, "thefilename"), chunk_size, chunks, u);
  if (u->file == NULL)
    return;
  u->duplicate = u->file->received[u->chunk];
  u->md5_param = g_strdup (param (q, "md5"));
  dir = g_path_get_dirname (u->file->path);
  g_mkdir_with_parents (dir, 0700);
  u->fd = open (u->file->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (u->fd < 0)
    upload_fail (u, 6008, "Cannot store the file: %s", g_strerror (errno));
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     Upload            *u)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);
  gint64 offset = u->chunk * (u->file ? u->file->chunk_size : 0) + u->received;

  if (u->dropped || (u->fault != FAULT_NONE && u->fault != FAULT_DROP) || u->error_code != 0)
    return;
  if (u->fault == FAULT_DROP)
    {
      /* Cut the connection mid-body, as a dying Wi-Fi would. */
      u->dropped = TRUE;
      g_socket_shutdown (soup_server_message_get_socket (msg), TRUE, TRUE, NULL);
      return;
    }
  if (u->received + (gint64) len > u->file->chunk_size)
    {
      upload_fail (u, 1002, "The chunk is larger than chunksize");
      return;
    }
  EVP_DigestUpdate (u->md5, data, len);
  u->received += len;
  if (u->duplicate)
    return;
  /* All-zero pieces are left as holes: a 6 GiB sparse test file stays
   * sparse on the server's disk and reads back the same. */
  for (gsize i = 0; i < len; i++)
    if (data[i] != 0)
      {
        for (gsize done = 0; done < len;)
          {
            ssize_t n = pwrite (u->fd, data + done, len - done, offset + done);
            if (n < 0 && errno == EINTR)
              continue;
            if (n <= 0)
              {
                upload_fail (u, 6008, "Cannot store the file: %s", g_strerror (errno));
                return;
              }
            done += n;
          }
        break;
      }
}

static void
upload_finished_cb (FmTestServer *self)
{
  if (self->uploads_in_flight > 0)
    self->uploads_in_flight--;
}

static void
upload_got_headers_cb (SoupServerMessage *msg,
                       FmTestServer      *self)
{
  GUri *uri = soup_server_message_get_uri (msg);
  Upload *u;

  if (g_strcmp0 (g_uri_get_path (uri), UPLOAD_PATH) != 0 ||
      g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    return;
  self->upload_requests++;
  self->uploads_in_flight++;
  self->uploads_in_flight_max = MAX (self->uploads_in_flight_max, self->uploads_in_flight);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (upload_finished_cb), self);
  u = g_new0 (Upload, 1);
  u->fd = -1;
  u->md5 = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (u->md5, EVP_md5 (), NULL);
  g_object_set_data_full (G_OBJECT (msg), "upload", u, (GDestroyNotify) upload_free);
  /* Stream the body: never hold a whole chunk in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  upload_open (self, msg, u);
  u->fault = pick_fault (self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), u);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    FmTestServer      *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && !g_ptr_array_find (self->sockets, socket, NULL))
    g_ptr_array_add (self->sockets, g_object_ref (socket));
  g_signal_connect (msg, "got-headers", G_CALLBACK (upload_got_headers_cb), self);
}

static char *
md5_base64 (EVP_MD_CTX *ctx)
{
  guchar digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  EVP_DigestFinal_ex (ctx, digest, &len);
  return g_base64_encode (digest, len);
}

static void
accept_chunk (Upload *u)
{
  File *f = u->file;

  if (!f->received[u->chunk])
    {
      f->received[u->chunk] = 1;
      f->n_received++;
    }
  f->receipts[u->chunk]++;
  if (u->chunk == f->chunks - 1)
    {
      f->size = (f->chunks - 1) * f->chunk_size + u->received;
      if (ftruncate (u->fd, f->size) != 0)
        g_warning ("ftruncate: %s", g_strerror (errno));
    }
}

static gboolean
check_chunk_length (Upload *u)
{
  File *f = u->file;
  gboolean last = u->chunk == f->chunks - 1;

  if (!last && u->received != f->chunk_size)
    upload_fail (u, 1002, "Chunk %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT
                 " bytes; every chunk but the last must have chunksize bytes", u->chunk, u->received);
  else if (last && u->received == 0 && f->chunks != 1)
    upload_fail (u, 1002, "The last chunk is empty: chunks must be ceil(size / chunksize)");
  return u->error_code == 0;
}

static void
handle_upload (FmTestServer      *self,
               SoupServerMessage *msg)
{
  Upload *u = g_object_get_data (G_OBJECT (msg), "upload");
  g_autofree char *md5 = NULL;

  if (u == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  switch (u->fault)
    {
    case FAULT_406: return soup_server_message_set_status (msg, 406, "Not Acceptable");
    case FAULT_449: return soup_server_message_set_status (msg, 449, "Retry With");
    case FAULT_500: return soup_server_message_set_status (msg, 500, "Internal Server Error");
    case FAULT_DROP: return soup_server_message_set_status (msg, 500, "Dropped");
    case FAULT_NONE: break;
    }
  if (u->error_code == 0)
    check_chunk_length (u);
  if (u->error_code != 0)
    {
      respond_error (msg, u->error_code, "%s", u->error_message);
      return;
    }
  md5 = md5_base64 (u->md5);
  if (u->md5_param == NULL)
    self->chunks_without_md5++;
  else if (g_strcmp0 (md5, u->md5_param) != 0)
    {
      soup_server_message_set_status (msg, 449, "Retry With");
      return;
    }
  accept_chunk (u);
  self->bytes_received += u->received;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

/* ------------------------------------------------------------ downloads */

static File *
lookup_download (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  File *f = g_hash_table_lookup (self->files, param (params, "fileid") ? param (params, "fileid") : "");

  if (f == NULL || f->transfer->deleted || g_strcmp0 (f->transfer->download_key, param (params, "dk")) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return NULL;
    }
  if (f->deleted)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_GONE, NULL);
      return NULL;
    }
  if (transfer_is_expired (f->transfer) || g_strcmp0 (f->transfer->status, "STATUS_COMPLETE") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return NULL;
    }
  return f;
}

static gboolean
drop_connection_cb (gpointer data)
{
  GSocket *socket = soup_server_message_get_socket (data);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* Announces the whole range, sends half, then drops the connection: what
 * a download sees when the Wi-Fi dies. */
static void
cut_download (FmTestServer      *self,
              SoupServerMessage *msg,
              GBytes            *all,
              gint64             start,
              gint64             end)
{
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (all, start, (end - start + 1) / 2);

  self->download_drops--;
  self->faults_injected++;
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           end - start + 1);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), half);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 200, drop_connection_cb, g_object_ref (msg), g_object_unref);
}

/* One byte range per request, as download managers resume with. */
static void
handle_download (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  File *f = lookup_download (self, msg, params);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) all = NULL;
  g_autofree char *escaped = NULL, *disposition = NULL;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  gint64 start = 0, end;

  if (f == NULL)
    return;
  end = f->size - 1;
  if (f->size > 0)
    {
      mapped = g_mapped_file_new (f->path, FALSE, NULL);
      if (mapped == NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
          return;
        }
      all = g_mapped_file_get_bytes (mapped);
    }
  if (soup_message_headers_get_ranges (req, f->size, &ranges, &n_ranges))
    {
      start = ranges[0].start;
      end = ranges[0].end;
      soup_message_headers_free_ranges (req, ranges);
      if (n_ranges != 1 || start > end || end >= f->size)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
          return;
        }
      soup_message_headers_set_content_range (resp, start, end, f->size);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
    }
  else if (soup_message_headers_get_one (req, "Range") != NULL && f->size == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      return;
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (start == 0)
    f->transfer->downloads++;

  escaped = g_uri_escape_string (f->name, NULL, FALSE);
  disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", escaped);
  soup_message_headers_replace (resp, "Content-Disposition", disposition);
  soup_message_headers_set_content_type (resp, "application/octet-stream", NULL);
  soup_message_headers_replace (resp, "Accept-Ranges", "bytes");
  if (all != NULL && end >= start && self->download_drops > 0 && end > start)
    {
      cut_download (self, msg, all, start, end);
      return;
    }
  if (all != NULL && end >= start)
    {
      g_autoptr(GBytes) slice = g_bytes_new_from_bytes (all, start, end - start + 1);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
    }
  soup_message_body_complete (soup_server_message_get_response_body (msg));
}

/* ------------------------------------------------------- test controls */

static void
handle_test_config (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GError) error = NULL;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!fm_test_server_configure (self, key, value, &error))
      {
        respond_error (msg, 1002, "%s", error->message);
        return;
      }
  respond_plain_ok (msg);
}

gboolean
fm_test_server_expire_transfer (FmTestServer *self,
                                const char   *id)
{
  Transfer *t = g_hash_table_lookup (self->transfers, id);

  if (t == NULL)
    return FALSE;
  t->expire_ms = now_ms () - 1000;
  return TRUE;
}

static void
handle_test_expire (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *id = require_param (msg, params, "transferid");

  if (id == NULL)
    return;
  if (!fm_test_server_expire_transfer (self, id))
    {
      respond_error (msg, 1005, "Transfer not found: %s", id);
      return;
    }
  respond_plain_ok (msg);
}

/* COUNT complete transfers from FROM to TO (comma list), each with one
 * small file "file-N.txt" (or FILENAME, as given: hostile names for
 * download tests), sent a minute apart going back from now; SUBJECT gets
 * " N" appended. For list-scale tests, which must not spend
 * minutes uploading. Also POST /test/seed. */
gboolean
fm_test_server_seed (FmTestServer *self,
                     const char   *from,
                     const char   *to,
                     guint         count,
                     const char   *subject,
                     const char   *password,
                     const char   *filename,
                     GError      **error)
{
  g_auto(GStrv) recipients = g_strsplit (to, ",", -1);

  for (guint i = 0; i < count; i++)
    {
      Transfer *t = transfer_new ();
      File *f = g_new0 (File, 1);
      g_autofree char *dir = NULL;
      g_autofree char *body = g_strdup_printf ("seed %u\n", i);

      t->owner = g_strdup (from);
      t->from = g_strdup (from);
      for (guint r = 0; recipients[r] != NULL; r++)
        g_ptr_array_add (t->to, g_strstrip (g_strdup (recipients[r])));
      t->subject = g_strdup_printf ("%s %u", subject ? subject : "Seeded", i);
      t->password = g_strdup (password);
      t->id = random_id (self, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15);
      t->key = random_id (self, "0123456789abcdef", 32);
      t->download_key = random_id (self, "0123456789abcdef", 16);
      t->sent_ms = now_ms () - (gint64) i * 60 * 1000;
      t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);
      t->status = "STATUS_COMPLETE";
      f->transfer = t;
      f->id = random_id (self, "0123456789abcdef", 32);
      f->name = filename ? g_strdup (filename) : g_strdup_printf ("file-%u.txt", i);
      dir = g_build_filename (self->root, t->id, NULL);
      f->path = g_build_filename (dir, f->id, NULL);
      f->size = (gint64) strlen (body);
      f->chunk_size = MAX_CHUNK_SIZE;
      f->chunks = f->n_received = 1;
      f->received = g_new0 (guint8, 1);
      f->receipts = g_new0 (guint, 1);
      f->received[0] = 1;
      t->transfer_size = f->size;
      if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (f->path, body, -1, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", dir);
          file_free (f);
          transfer_free (t);
          return FALSE;
        }
      g_ptr_array_add (t->files, f);
      g_hash_table_insert (self->files, f->id, f);
      g_hash_table_insert (self->transfers, t->id, t);
    }
  return TRUE;
}

static void
handle_test_seed (FmTestServer      *self,
                  SoupServerMessage *msg,
                  GHashTable        *params)
{
  const char *from = require_param (msg, params, "from");
  const char *to = from ? require_param (msg, params, "to") : NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  if (to == NULL)
    return;
  if (!parse_int (param (params, "count"), 1, 100000, &count))
    {
      respond_error (msg, 1002, "count must be 1 to 100000");
      return;
    }
  if (!fm_test_server_seed (self, from, to, (guint) count, param (params, "subject"),
                            param (params, "password"), param (params, "filename"), &error))
    {
      respond_error (msg, 1002, "%s", error->message);
      return;
    }
  respond_plain_ok (msg);
}

static void
handle_test_stats (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params)
{
  g_autofree char *text = fm_test_server_get_stats (self);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* ------------------------------------------------------------- dispatch */

typedef void (*Handler) (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);

static const struct {
  const char *path;
  Handler     handler;
} routes[] = {
  { "/api/authentication/login", handle_login },
  { "/api/authentication/logout", handle_logout },
  { "/api/transfer/initialize", handle_initialize },
  { "/api/transfer/get", handle_get },
  { "/api/transfer/complete", handle_complete },
  { "/api/transfer/forward", handle_forward },
  { "/api/transfer/cancel", handle_cancel },
  { "/api/transfer/delete", handle_delete },
  { "/api/transfer/update", handle_update },
  { "/api/transfer/file/rename", handle_file_rename },
  { "/api/transfer/file/delete", handle_file_delete },
  { "/api/transfer/sent/get", handle_sent },
  { "/api/transfer/received/get", handle_received },
  { DOWNLOAD_PATH, handle_download },
  { "/test/config", handle_test_config },
  { "/test/expire", handle_test_expire },
  { "/test/seed", handle_test_seed },
  { "/test/stats", handle_test_stats },
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
  if (g_strcmp0 (param (params, "apikey"), self->api_key) == 0)
    return TRUE;
  respond_error (msg, 2008, "A valid apikey is required");
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

  /* Each listener answers its own paths only, as two real hosts would. */
  if ((server == self->upload_server) != g_str_equal (path, UPLOAD_PATH))
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else if (server == self->upload_server)
    handle_upload (self, msg);
  else
    {
      params = collect_params (self, msg, query);
      for (gsize i = 0; i < G_N_ELEMENTS (routes) && !found; i++)
        if (g_str_equal (path, routes[i].path))
          {
            found = TRUE;
            if (check_api_key (self, msg, path, params))
              routes[i].handler (self, msg, params);
          }
      if (!found)
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
  if (self->hostile != NULL && self->hostile_count != 0 && !g_str_has_prefix (path, "/test/") &&
      (self->hostile_path == NULL || g_str_equal (path, self->hostile_path)))
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
  for (guint i = 0; i < self->sockets->len; i++)
    g_socket_shutdown (self->sockets->pdata[i], TRUE, TRUE, NULL);
  g_ptr_array_unref (self->sockets);
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
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) file_free);
  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) transfer_free);
  self->rand = g_rand_new ();
  self->min_chunk_size = MIN_CHUNK_SIZE;
  self->upload_host = g_strdup ("localhost");
  self->hostile_count = -1;
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
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
      g_signal_connect (*s, "request-started", G_CALLBACK (request_started_cb), self);
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
  return g_strdup_printf ("%s://127.0.0.1:%u", scheme (self), self->port);
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
  else if (g_str_equal (name, "slow_ms") && parse_int (value, 0, 60000, &n))
    self->slow_ms = (guint) n;
  else if (g_str_equal (name, "min_chunk_size") && parse_int (value, 1, MAX_CHUNK_SIZE, &n))
    self->min_chunk_size = n;
  else if (g_str_equal (name, "download_drops") && parse_int (value, 0, 1000, &n))
    self->download_drops = (guint) n;
  else if (g_str_equal (name, "seed") && parse_int (value, 0, G_MAXUINT32, &n))
    g_rand_set_seed (self->rand, (guint32) n);
  else if (g_str_equal (name, "expire_tokens"))
    g_hash_table_remove_all (self->tokens);
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
  else if (g_str_equal (name, "hostile_count") && parse_int (value, -1, 1000000, &n))
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
  add_string (b, "transferid", f->transfer->id);
  add_string (b, "transferstatus", f->transfer->status);
  add_string (b, "filename", f->name);
  add_string (b, "fileid", f->id);
  add_string (b, "path", f->path);
  add_int (b, "chunks", f->chunks);
  add_int (b, "size", f->size);
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
  add_int (b, "upload_requests", (gint64) self->upload_requests);
  add_int (b, "uploads_in_flight_max", (gint64) self->uploads_in_flight_max);
  add_int (b, "faults_injected", (gint64) self->faults_injected);
  add_int (b, "secrets_in_query", (gint64) self->secrets_in_query);
  add_int (b, "chunks_without_md5", (gint64) self->chunks_without_md5);
  add_int (b, "bytes_received", (gint64) self->bytes_received);
  add_int (b, "transfers", g_hash_table_size (self->transfers));
  add_string (b, "last_update", self->last_update);
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
      add_string (b, "subject", t->subject);
      add_string (b, "status", t->status);
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
