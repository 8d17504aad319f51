/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-client.c: the Filemail API as an async GObject service */
#define G_LOG_DOMAIN "fm-client"

#include <string.h>

#include "fm-chunk-sender.h"
#include "fm-client-private.h"
#include "fm-error.h"
#include "fm-http.h"
#include "fm-retry-policy.h"
#include "fm-tls-database.h"
#include "fm-url.h"
#include "fm-util.h"

#define USER_AGENT "filemail-desktop/" FM_VERSION " "

struct _FmClient
{
  GObject      parent_instance;

  char        *base_url;
  char        *login_token;
  char        *api_key;
  SoupSession *session;
  guint        call_timeout;   /* seconds for a whole API call, 0: none */
  FmRetryPolicy *retry;        /* for idempotent calls (lists, get, login) */
  GHashTable  *upload_slots;   /* "scheme://host:port" -> chunks in flight there */
  FmRateLimiter *upload_limit;   /* shared by every chunk of every upload */
  FmRateLimiter *download_limit; /* and every download */
  FmChunkSender *chunk_sender;   /* chunk POSTs: not through libsoup (fm-chunk-sender.h) */
};

G_DEFINE_FINAL_TYPE (FmClient, fm_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_SESSION,
  PROP_LOGIN_TOKEN,
  PROP_API_KEY,
  PROP_CALL_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_UPLOAD_SLOT_FREED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


typedef struct {
  FmParseFunc     parse;
  GDestroyNotify  destroy;
  char           *path;
  char           *url;
  char           *form;       /* the encoded form: secrets inside, wiped at the end */
  gboolean        retry;      /* idempotent: a transient failure is tried again */
  FmRetryState    attempts;
  guint           timer;
  GCancellable   *cancellable;
  gulong          cancel_id;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_handle_id (&data->timer, g_source_remove);
  if (data->cancel_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancel_id);
  g_clear_object (&data->cancellable);
  g_free (data->path);
  g_free (data->url);
  if (data->form != NULL)
    memset (data->form, 0, strlen (data->form));
  g_free (data->form);
  g_free (data);
}

/* ------------------------------------------------------------ URL policy */

gboolean
fm_client_url_is_loopback (const char *url)
{
  return fm_url_is_loopback (url);
}

gboolean
fm_client_check_url (const char  *url,
                     GError     **error)
{
  return fm_url_check (url, error);
}

/* A link from the server is handed to the browser only if it is a web
 * address by the same rule as any server address: https, or http to this
 * machine. Never file:, javascript:, a custom scheme handler or plain
 * http across a network. */
gboolean
fm_client_url_is_safe_to_open (const char *url)
{
  return url != NULL && *url != '\0' && fm_client_check_url (url, NULL);
}

/* The reference's initialize example answers "transferurl":
 * "http://sl21.filemail.com/api/file/add", while it says all requests go
 * over HTTPS (https://8888.filemail.com/savefile.ashx). Plain http to
 * another machine is upgraded to https: same host, path and query (port 80
 * becomes https' own). Loopback http stays as it is (the local server);
 * anything else is returned unchanged, for fm_client_check_url to judge. */
char *
fm_client_upgrade_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  g_autoptr(GUri) upgraded = NULL;
  int port;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      g_uri_get_host (uri) == NULL || fm_url_host_is_loopback (g_uri_get_host (uri)))
    return g_strdup (url);
  port = g_uri_get_port (uri);
  upgraded = g_uri_build (g_uri_get_flags (uri), "https", g_uri_get_userinfo (uri), g_uri_get_host (uri),
                          port == 80 ? -1 : port, g_uri_get_path (uri), g_uri_get_query (uri),
                          g_uri_get_fragment (uri));
  return g_uri_to_string (upgraded);
}

char *
fm_client_redact_uri (const char *uri)
{
  return fm_url_redact (uri);
}

/* ------------------------------------------------------- upload slots */

/* The reference recommends "not more than 4 chunks in parallel": that
 * holds per upload host, whatever number of transfers run at once. */
static char *
slot_key (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL)
    return g_strdup (url);
  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri), g_uri_get_port (uri));
}

gboolean
fm_client_take_upload_slot (FmClient   *self,
                            const char *url)
{
  g_autofree char *key = slot_key (url);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->upload_slots, key));

  if (n >= FM_CLIENT_MAX_CHUNKS_PER_HOST)
    return FALSE;
  g_hash_table_replace (self->upload_slots, g_steal_pointer (&key), GUINT_TO_POINTER (n + 1));
  return TRUE;
}

void
fm_client_release_upload_slot (FmClient   *self,
                               const char *url)
{
  g_autofree char *key = slot_key (url);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->upload_slots, key));

  g_return_if_fail (n > 0);
  if (n == 1)
    g_hash_table_remove (self->upload_slots, key);
  else
    g_hash_table_replace (self->upload_slots, g_steal_pointer (&key), GUINT_TO_POINTER (n - 1));
  g_signal_emit (self, signals[SIGNAL_UPLOAD_SLOT_FREED], 0);
}

/* ------------------------------------------------------------- GObject */

static void
fm_client_constructed (GObject *object)
{
  FmClient *self = FM_CLIENT (object);

  G_OBJECT_CLASS (fm_client_parent_class)->constructed (object);

  /* Four chunks in flight per transfer plus API calls beside them: the
   * default of two connections per host would silently serialise them. */
  if (self->session == NULL)
    self->session = g_object_new (SOUP_TYPE_SESSION,
                                  "user-agent", USER_AGENT,
                                  "timeout", 60,
                                  "idle-timeout", 60,
                                  "max-conns", 32,
                                  "max-conns-per-host", 8,
                                  "proxy-resolver", g_proxy_resolver_get_default (),
                                  NULL);
  /* trusts the system (loaded when the first https chunk goes: not at
   * start-up) until fm_client_set_ca_file() */
  self->chunk_sender = fm_chunk_sender_new (USER_AGENT);
  fm_chunk_sender_set_answer_timeout (self->chunk_sender, self->call_timeout);
}

static void
fm_client_finalize (GObject *object)
{
  FmClient *self = FM_CLIENT (object);

  g_free (self->base_url);
  g_free (self->login_token);
  g_free (self->api_key);
  g_clear_object (&self->session);
  g_clear_object (&self->chunk_sender);
  g_clear_object (&self->retry);
  g_hash_table_unref (self->upload_slots);
  g_clear_object (&self->upload_limit);
  g_clear_object (&self->download_limit);
  G_OBJECT_CLASS (fm_client_parent_class)->finalize (object);
}

static void
fm_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FmClient *self = FM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL: g_value_set_string (value, self->base_url); break;
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_LOGIN_TOKEN: g_value_set_string (value, self->login_token); break;
    case PROP_API_KEY: g_value_set_string (value, self->api_key); break;
    case PROP_CALL_TIMEOUT: g_value_set_uint (value, self->call_timeout); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FmClient *self = FM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_strdup (g_value_get_string (value));
      /* "https://host/" and "https://host" name the same API */
      while (self->base_url != NULL && g_str_has_suffix (self->base_url, "/"))
        self->base_url[strlen (self->base_url) - 1] = '\0';
      break;
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_LOGIN_TOKEN: fm_client_set_login_token (self, g_value_get_string (value)); break;
    case PROP_API_KEY: fm_client_set_api_key (self, g_value_get_string (value)); break;
    case PROP_CALL_TIMEOUT:
      self->call_timeout = g_value_get_uint (value);
      /* a chunk's answer has the same bound as an API call's */
      if (self->chunk_sender != NULL)
        fm_chunk_sender_set_answer_timeout (self->chunk_sender, self->call_timeout);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_client_class_init (FmClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fm_client_constructed;
  object_class->finalize = fm_client_finalize;
  object_class->get_property = fm_client_get_property;
  object_class->set_property = fm_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, FM_DEFAULT_API_URL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN_TOKEN] =
    g_param_spec_string ("login-token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The socket's idle timeout catches a silent server; this catches one
   * that drips an answer a byte at a time. */
  properties[PROP_CALL_TIMEOUT] =
    g_param_spec_uint ("call-timeout", NULL, NULL, 0, 24 * 3600, FM_CLIENT_CALL_TIMEOUT_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* a chunk request ended: a job waiting for a slot on that host may go */
  signals[SIGNAL_UPLOAD_SLOT_FREED] = g_signal_new ("upload-slot-freed", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  fm_client_ensure_types ();
}

/* Types libsoup and GIO register lazily, made on the calling thread
 * before any worker or GSettings' dconf thread starts: `filemail queue
 * --help` once hung with the dconf thread in g_type_add_interface_static
 * and the main thread registering GInetSocketAddress. main() calls this
 * first. */
void
fm_client_ensure_types (void)
{
  g_type_ensure (G_TYPE_INET_SOCKET_ADDRESS);
  g_type_ensure (G_TYPE_INET_ADDRESS);
  g_type_ensure (G_TYPE_SOCKET_CLIENT);
  g_type_ensure (G_TYPE_SOCKET_CONNECTION);
  g_type_ensure (G_TYPE_TCP_CONNECTION);
  g_type_ensure (G_TYPE_RESOLVER);
  g_type_ensure (G_TYPE_NETWORK_ADDRESS);
  g_type_ensure (G_TYPE_PROXY_RESOLVER);
  g_type_ensure (G_TYPE_TLS_CONNECTION);
  g_type_ensure (SOUP_TYPE_MESSAGE);
  g_type_ensure (SOUP_TYPE_SESSION);
  g_type_ensure (SOUP_TYPE_MESSAGE_HEADERS);
}

static void
fm_client_init (FmClient *self)
{
  self->retry = fm_retry_policy_new ();
  self->upload_slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->upload_limit = fm_rate_limiter_new ();
  self->download_limit = fm_rate_limiter_new ();
}

/* The speed limits of everything this client moves (0: none); set them
 * with fm_rate_limiter_set_rate(), at any time. */
FmRateLimiter *
fm_client_get_upload_limit (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->upload_limit;
}

FmRateLimiter *
fm_client_get_download_limit (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->download_limit;
}

/* The policy for idempotent calls (transfer/get, the lists, login). */
void
fm_client_set_retry_policy (FmClient      *self,
                            FmRetryPolicy *policy)
{
  g_return_if_fail (FM_IS_CLIENT (self));
  g_set_object (&self->retry, policy);
}

FmClient *
fm_client_new (const char  *base_url,
               GError     **error)
{
  if (base_url == NULL || *base_url == '\0')
    base_url = FM_DEFAULT_API_URL;
  g_autoptr(FmClient) client = NULL;

  if (!fm_client_check_url (base_url, error))
    return NULL;
  client = g_object_new (FM_TYPE_CLIENT, "base-url", base_url,
                         "call-timeout", fm_client_default_call_timeout (), NULL);
  /* a company's own certificate authority, trusted beside the system's */
  if (g_getenv ("FILEMAIL_CA_FILE") != NULL && *g_getenv ("FILEMAIL_CA_FILE") != '\0' &&
      !fm_client_set_ca_file (client, g_getenv ("FILEMAIL_CA_FILE"), error))
    return NULL;
  return g_steal_pointer (&client);
}

/* Trusts the authorities in the PEM file @ca_file too (NULL: the system's
 * alone). See fm-tls-database.h. */
gboolean
fm_client_set_ca_file (FmClient    *self,
                       const char  *ca_file,
                       GError     **error)
{
  g_autoptr(GTlsDatabase) database = fm_tls_database_new (ca_file, error);

  if (database == NULL)
    return FALSE;
  soup_session_set_tls_database (self->session, database);
  fm_chunk_sender_set_tls_database (self->chunk_sender, database);
  return TRUE;
}

/* Seconds a whole API call may take; FILEMAIL_CALL_TIMEOUT overrides the
 * default (scripts on slow links, tests of a stalled server). */
guint
fm_client_default_call_timeout (void)
{
  const char *env = g_getenv ("FILEMAIL_CALL_TIMEOUT");
  guint64 value = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, 24 * 3600, &value, NULL))
    return (guint) value;
  return FM_CLIENT_CALL_TIMEOUT_DEFAULT;
}

const char *
fm_client_get_base_url (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->base_url;
}

SoupSession *
fm_client_get_session (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->session;
}

/* Where chunk uploads go out (fm-chunk-sender.h). */
FmChunkSender *
fm_client_get_chunk_sender (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->chunk_sender;
}

const char *
fm_client_get_login_token (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->login_token;
}

void
fm_client_set_login_token (FmClient   *self,
                           const char *token)
{
  g_return_if_fail (FM_IS_CLIENT (self));
  if (token != NULL && *token == '\0')
    token = NULL;
  if (fm_set_str (&self->login_token, token))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN_TOKEN]);
}

const char *
fm_client_get_api_key (FmClient *self)
{
  g_return_val_if_fail (FM_IS_CLIENT (self), NULL);
  return self->api_key;
}

void
fm_client_set_api_key (FmClient   *self,
                       const char *api_key)
{
  g_return_if_fail (FM_IS_CLIENT (self));
  if (api_key != NULL && *api_key == '\0')
    api_key = NULL;
  if (fm_set_str (&self->api_key, api_key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_KEY]);
}

/* --------------------------------------------------------- the transport */

static void
append_param (GString    *form,
              const char *name,
              const char *value)
{
  if (value == NULL)
    return;
  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append_uri_escaped (form, name, NULL, FALSE);
  g_string_append_c (form, '=');
  g_string_append_uri_escaped (form, value, NULL, FALSE);
}

static char *
encode_form (FmClient           *self,
             const char * const *params,
             CallFlags           flags)
{
  GString *form = g_string_new (NULL);

  for (gsize i = 0; params != NULL && params[i] != NULL; i += 2)
    append_param (form, params[i], params[i + 1]);
  if (!(flags & CALL_NO_TOKEN))
    append_param (form, "logintoken", self->login_token);
  append_param (form, "apikey", self->api_key);
  return g_string_free (form, FALSE);
}

static void send_attempt (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  CallData *data = g_task_get_task_data (task);

  data->timer = 0;
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  send_attempt (task);
  return G_SOURCE_REMOVE;
}

/* Cancelled while waiting to try again: end now, not after the wait. */
static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  CallData *data = g_task_get_task_data (task);

  if (data->timer == 0)
    return;
  g_source_remove (data->timer);
  data->timer = g_idle_add (retry_cb, task);
}

/* Takes @error; returns it, or NULL when the call goes on (a transient
 * failure of an idempotent call, with attempts left). */
static GError *
maybe_retry (GTask  *task,
             GError *error)
{
  FmClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  guint wait;

  if (!data->retry || fm_retry_policy_classify (0, error) != FM_RETRY_TRANSIENT ||
      !fm_retry_policy_record_failure (self->retry, &data->attempts))
    return error;
  wait = fm_retry_policy_wait_ms (self->retry, &data->attempts);
  g_debug ("POST %s: %s; again in %u ms", data->path, error->message, wait);
  g_error_free (error);
  data->timer = g_timeout_add (wait, retry_cb, g_object_ref (task));
  return NULL;
}

/* 5xx, 408 and 429 say "not now", everything else a refusal. */
static GError *
status_error (guint       status,
              const char *path)
{
  int code = status >= 500 || status == 408 || status == 429 ? FM_ERROR_SERVER_UNAVAILABLE
                                                             : FM_ERROR_HTTP_STATUS;

  return g_error_new (FM_ERROR, code, "%s (HTTP %u %s, %s)", fm_error_get_message (code), status,
                      soup_status_get_phrase (status), path);
}

static void
send_and_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = fm_http_send_and_read_finish (result, &error);
  SoupMessage *msg = fm_http_get_message (result);
  g_autoptr(JsonObject) root = NULL;
  gpointer value;

  /* A redirect is not followed: an API call that a server sends elsewhere
   * would carry the form (password, login token) to a host not chosen. */
  if (body != NULL && soup_message_get_status (msg) != SOUP_STATUS_OK)
    error = status_error (soup_message_get_status (msg), data->path);
  else if (body != NULL)
    root = fm_response_parse (body, &error);
  if (error != NULL)
    {
      error = maybe_retry (task, error);
      if (error != NULL)
        g_task_return_error (task, error);
      return;
    }
  if (data->parse == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_object_unref);
      return;
    }
  value = data->parse (root, &error);
  if (value == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, value, data->destroy);
}

static void
send_attempt (GTask *task)
{
  FmClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;

  /* Only the path is logged: the form body holds the secrets. */
  g_debug ("POST %s", data->path);
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, data->url, g_strdup (data->form));
  if (msg == NULL)
    {
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_INVALID_URL, "%s",
                               fm_error_get_message (FM_ERROR_INVALID_URL));
      g_object_unref (task);
      return;
    }
  fm_http_send_and_read_async (self->session, msg, FM_RESPONSE_MAX_SIZE, self->call_timeout,
                               g_task_get_cancellable (task), send_and_read_cb, task);
}

void
_fm_client_start_call (FmClient           *self,
            const char         *path,
            const char * const *params,
            CallFlags           flags,
            gpointer            source_tag,
            FmParseFunc         parse,
            GDestroyNotify      destroy,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CallData *data = g_new0 (CallData, 1);

  data->parse = parse;
  data->destroy = destroy;
  data->path = g_strdup (path);
  data->url = g_strconcat (self->base_url, path, NULL);
  data->form = encode_form (self, params, flags);
  data->retry = (flags & CALL_RETRY) != 0;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  if (cancellable != NULL && data->retry)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), task, NULL);
    }
  send_attempt (task);
}

gpointer
_fm_client_finish_pointer (FmClient      *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
_fm_client_finish_ok (FmClient      *self,
           GAsyncResult  *result,
           gpointer       source_tag,
           GError       **error)
{
  g_autoptr(JsonObject) root = _fm_client_finish_pointer (self, result, source_tag, error);

  return root != NULL;
}

void
fm_client_call_async (FmClient            *self,
                      const char          *path,
                      const char * const  *params,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (FM_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');
  _fm_client_start_call (self, path, params, CALL_DEFAULT, fm_client_call_async, NULL, NULL,
              cancellable, callback, user_data);
}

JsonObject *
fm_client_call_finish (FmClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_call_async, error);
}

/* Calls that need a login fail at once, without a round trip, when there
 * is none. */
gboolean
_fm_client_check_logged_in (FmClient            *self,
                 gpointer             source_tag,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (self->login_token != NULL)
    return TRUE;
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, FM_ERROR, FM_ERROR_NOT_LOGGED_IN, "%s",
                           fm_error_get_message (FM_ERROR_NOT_LOGGED_IN));
  return FALSE;
}

const char *
_fm_client_bool_str (gboolean value)
{
  return value ? "true" : "false";
}

/* ------------------------------------------------------- authentication */

void
fm_client_login_async (FmClient            *self,
                       const char          *username,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  const char *params[] = {
    "username", username, "password", password, "source", "Desktop", NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  /* no retry: a person waits in a dialog, and says when to try again */
  _fm_client_start_call (self, "/api/authentication/login", params, CALL_NO_TOKEN, fm_client_login_async,
              (FmParseFunc) fm_response_parse_login, g_free, cancellable, callback, user_data);
}

/* Returns the login token and keeps it for the calls that follow. */
char *
fm_client_login_finish (FmClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  char *token = _fm_client_finish_pointer (self, result, fm_client_login_async, error);

  if (token != NULL)
    fm_client_set_login_token (self, token);
  return token;
}

void
fm_client_logout_async (FmClient            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_logout_async, callback, user_data))
    _fm_client_start_call (self, "/api/authentication/logout", NULL, CALL_DEFAULT, fm_client_logout_async,
                NULL, NULL, cancellable, callback, user_data);
}

/* The token is forgotten whatever the server said: a user who logs out
 * must be logged out here even when the server cannot be reached. */
gboolean
fm_client_logout_finish (FmClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  gboolean ok = _fm_client_finish_ok (self, result, fm_client_logout_async, error);

  fm_client_set_login_token (self, NULL);
  return ok;
}
