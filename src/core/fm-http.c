/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-http.c: one guarded way to send a request and read its answer */
#define G_LOG_DOMAIN "fm-http"

#include <glib/gi18n-lib.h>

#include "fm-url.h"
#include "fm-error.h"
#include "fm-http.h"

#define READ_SIZE (64 * 1024)

typedef struct {
  SoupSession  *session;
  SoupMessage  *msg;
  GInputStream *input;
  GByteArray   *body;
  gsize         max_size;
  GCancellable *cancellable;   /* ours: cancelled by the caller's or the deadline */
  GCancellable *caller;
  gulong        caller_id;
  guint         deadline_id;
  gboolean      timed_out;
} HttpData;

static void
http_data_free (HttpData *data)
{
  if (data->caller_id != 0)
    g_cancellable_disconnect (data->caller, data->caller_id);
  g_clear_handle_id (&data->deadline_id, g_source_remove);
  if (data->input != NULL)
    g_input_stream_close_async (data->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&data->input);
  g_clear_object (&data->caller);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->msg);
  g_clear_object (&data->session);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data);
}

/* ------------------------------------------------------------ errors */

static GQuark
tls_errors_quark (void)
{
  return g_quark_from_static_string ("fm-http-tls-errors");
}

/* libsoup asks before it refuses a certificate: remember why, refuse. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors)
{
  g_object_set_qdata (G_OBJECT (msg), tls_errors_quark (), GUINT_TO_POINTER (fm_http_certificate_flags_record (errors)));
  return FALSE;
}

static void
prepare_message (SoupMessage *msg)
{
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (g_signal_handler_find (msg, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, accept_certificate_cb, NULL) == 0)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
}

static const char *
describe_certificate (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by an authority this computer trusts");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for a different server name");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("it uses an insecure algorithm");
  return _("it could not be verified");
}

/* Takes @error. Cancellation stays as it is; a refused certificate becomes
 * FM_ERROR_TLS (permanent: trying again cannot fix a certificate); every
 * other transport failure FM_ERROR_NETWORK (transient). @tls_errors is
 * what an "accept-certificate" handler saw (with bit 0x10000 set), or 0.
 * For requests sent without libsoup too (fm-chunk-sender.c). */
GError *
fm_http_connection_error (const char *host,
                          guint       tls_errors,
                          GError     *error)
{
  GError *wrapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == FM_ERROR)
    return error;
  /* a connection cut in the middle of TLS (G_TLS_ERROR_EOF, _MISC) is the
   * network's doing, not the certificate's */
  if (tls_errors != 0 || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
      g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    wrapped = g_error_new (FM_ERROR, FM_ERROR_TLS,
                           _("The security certificate of %s was refused: %s."),
                           host != NULL ? host : _("the server"),
                           tls_errors != 0 ? describe_certificate ((GTlsCertificateFlags) (tls_errors & 0xffff))
                                           : error->message);
  /* no certificate at fault: no protocol version or cipher in common, or
   * no TLS at all on the other side */
  else if (error->domain == G_TLS_ERROR && error->code != G_TLS_ERROR_EOF && error->code != G_TLS_ERROR_MISC)
    wrapped = fm_error_new_with_detail (FM_ERROR_TLS_HANDSHAKE, error->message,
                                        fm_error_get_message (FM_ERROR_TLS_HANDSHAKE));
  /* a whole answer that did not come in time (a chunk's deadline) */
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    wrapped = g_error_new (FM_ERROR, FM_ERROR_TIMED_OUT, "%s (%s)",
                           fm_error_get_message (FM_ERROR_TIMED_OUT), error->message);
  else
    wrapped = g_error_new (FM_ERROR, FM_ERROR_NETWORK, "%s (%s)",
                           fm_error_get_message (FM_ERROR_NETWORK), error->message);
  g_error_free (error);
  return wrapped;
}

GError *
fm_http_transport_error (SoupMessage *msg,
                         GError      *error)
{
  guint flags = msg != NULL ? GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (msg), tls_errors_quark ())) : 0;

  return fm_http_connection_error (msg != NULL ? g_uri_get_host (soup_message_get_uri (msg)) : NULL,
                                   flags, error);
}

/* "a chunk's answer larger than 64 kB": the server is not what it claims. */
GError *
fm_http_answer_too_large (gsize max_size)
{
  g_autofree char *limit = g_format_size (max_size);
  g_autofree char *what = g_strdup_printf ("an answer larger than %s", limit);

  return g_error_new (FM_ERROR, FM_ERROR_PROTOCOL, "%s (%s)", fm_error_get_message (FM_ERROR_PROTOCOL), what);
}

/* The accept-certificate handler's record for fm_http_connection_error(). */
guint
fm_http_certificate_flags_record (GTlsCertificateFlags errors)
{
  return (guint) errors | 0x10000;
}

gboolean
fm_http_status_is_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Where a 3xx answer points, if that address passes the same rule as any
 * server address (https, or http to this machine only). */
char *
fm_http_redirect_target (SoupMessage  *msg,
                         GError      **error)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_autoptr(GUri) target = NULL;
  char *url;

  if (location == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_PROTOCOL, "%s (%s)",
                   fm_error_get_message (FM_ERROR_PROTOCOL), "a redirect without Location");
      return NULL;
    }
  target = g_uri_parse_relative (soup_message_get_uri (msg), location, G_URI_FLAGS_ENCODED, NULL);
  if (target == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_URL, "%s", fm_error_get_message (FM_ERROR_INVALID_URL));
      return NULL;
    }
  url = g_uri_to_string (target);
  if (!fm_url_check (url, error))
    {
      g_free (url);
      return NULL;
    }
  return url;
}

/* ------------------------------------------------------------- reading */

static void
return_error (GTask  *task,
              GError *error)
{
  HttpData *data = g_task_get_task_data (task);

  if (data->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_TIMED_OUT, "%s",
                               fm_error_get_message (FM_ERROR_TIMED_OUT));
      return;
    }
  g_task_return_error (task, fm_http_transport_error (data->msg, error));
}

static void read_more (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) block = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize size;

  if (block == NULL)
    {
      return_error (task, error);
      return;
    }
  size = g_bytes_get_size (block);
  if (size == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&data->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (data->body->len + size > data->max_size)
    {
      g_task_return_error (task, fm_http_answer_too_large (data->max_size));
      return;
    }
  g_byte_array_append (data->body, g_bytes_get_data (block, NULL), (guint) size);
  read_more (g_steal_pointer (&task));
}

static void
read_more (GTask *task)
{
  HttpData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->input, READ_SIZE, G_PRIORITY_DEFAULT, data->cancellable,
                                   read_cb, task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpData *data = g_task_get_task_data (task);
  GError *error = NULL;
  goffset length;

  data->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->input == NULL)
    {
      return_error (task, error);
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (data->msg));
  if (length > 0 && (guint64) length > data->max_size)
    {
      g_task_return_error (task, fm_http_answer_too_large (data->max_size));
      return;
    }
  read_more (g_steal_pointer (&task));
}

static gboolean
deadline_cb (gpointer user_data)
{
  HttpData *data = user_data;

  data->deadline_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/* Sends @msg (redirects are not followed: the caller sees the 3xx and
 * decides) and reads at most @max_size bytes of its answer, within
 * @deadline_s seconds if that is not 0. The body is returned whatever the
 * HTTP status; fm_http_get_message() gives the status. */
void
fm_http_send_and_read_async (SoupSession         *session,
                             SoupMessage         *msg,
                             gsize                max_size,
                             guint                deadline_s,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  HttpData *data = g_new0 (HttpData, 1);

  g_task_set_source_tag (task, fm_http_send_and_read_async);
  g_task_set_task_data (task, data, (GDestroyNotify) http_data_free);
  data->session = g_object_ref (session);
  data->msg = g_object_ref (msg);
  data->max_size = max_size;
  data->body = g_byte_array_new ();
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                               data->cancellable, NULL);
    }
  if (deadline_s > 0)
    data->deadline_id = g_timeout_add_seconds (deadline_s, deadline_cb, data);
  prepare_message (msg);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, data->cancellable, send_cb,
                           g_steal_pointer (&task));
}

GBytes *
fm_http_send_and_read_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fm_http_send_and_read_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

SoupMessage *
fm_http_get_message (GAsyncResult *result)
{
  HttpData *data = g_task_get_task_data (G_TASK (result));

  return data->msg;
}

/* For callers that stream the body themselves (downloads). */
void
fm_http_prepare_message (SoupMessage *msg)
{
  prepare_message (msg);
}
