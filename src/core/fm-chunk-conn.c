/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-conn.c: one connection to an upload host (see the header) */
#define G_LOG_DOMAIN "fm-chunk-sender"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fm-chunk-conn.h"
#include "fm-http.h"

#define IO_TIMEOUT_S 60     /* as libsoup's "timeout" and "idle-timeout" of FmClient */

struct _FmChunkConn
{
  GSocketConnection *connection;
  GSocket           *socket;
  SSL               *ssl;      /* NULL over http */
  gint64             deadline; /* monotonic µs by which reads must be done; 0: none */
  gint64             idle_since; /* monotonic µs its last answer ended; 0: never used */
};

/* What verify_cb() needs during one handshake. */
typedef struct {
  GUri         *uri;
  GTlsDatabase *database;
  guint        *tls_errors;
} Handshake;

gboolean
fm_chunk_uri_is_https (GUri *uri)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
}

int
fm_chunk_uri_port (GUri *uri)
{
  return g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : fm_chunk_uri_is_https (uri) ? 443 : 80;
}

void
fm_chunk_conn_free (FmChunkConn *conn)
{
  if (conn->ssl != NULL)
    SSL_free (conn->ssl);   /* no close_notify: the server does not wait for it */
  if (conn->connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (conn->connection), NULL, NULL);
      g_object_unref (conn->connection);
    }
  g_free (conn);
}

gboolean
fm_chunk_conn_is_tls (FmChunkConn *conn)
{
  return conn->ssl != NULL;
}

GSocket *
fm_chunk_conn_get_socket (FmChunkConn *conn)
{
  return conn->socket;
}

/* Between requests the server sends nothing unasked: anything readable
 * is its close (or garbage), and the connection is not to be used. */
gboolean
fm_chunk_conn_is_quiet (FmChunkConn *conn)
{
  return (conn->ssl == NULL || SSL_pending (conn->ssl) == 0) &&
         g_socket_condition_check (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR) == 0;
}

/* ------------------------------------------------------------- OpenSSL */

static gboolean
ssl_error (FmChunkConn  *conn,
           int           result,
           gboolean      refused,
           const char   *what,
           GError      **error)
{
  int code = SSL_get_error (conn->ssl, result);
  int errsv = errno;
  unsigned long detail = ERR_get_error ();
  char text[256] = "";

  ERR_clear_error ();
  if (refused)
    g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "the certificate was refused");
  else if (code == SSL_ERROR_SYSCALL && errsv != 0)
    g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv));
  else if (code == SSL_ERROR_SYSCALL || code == SSL_ERROR_ZERO_RETURN)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "the server closed the connection (%s)", what);
  else
    {
      if (detail != 0)
        ERR_error_string_n (detail, text, sizeof text);
      g_set_error (error, G_TLS_ERROR, code == SSL_ERROR_SSL && !SSL_is_init_finished (conn->ssl)
                   ? G_TLS_ERROR_HANDSHAKE : G_TLS_ERROR_MISC, "TLS %s failed: %s", what, *text ? text : "?");
    }
  return FALSE;
}

/* OpenSSL wants the socket readable or writable first (it is never
 * blocking underneath: GSocket keeps it O_NONBLOCK); the socket's timeout
 * bounds the wait. FALSE with *again: the wait failed (@error set);
 * without: not a matter of waiting. */
static gboolean
ssl_wait (FmChunkConn   *conn,
          int            result,
          GCancellable  *cancellable,
          gboolean      *again,
          GError       **error)
{
  int code = SSL_get_error (conn->ssl, result);

  *again = code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE;
  if (!*again)
    return FALSE;
  return g_socket_condition_timed_wait (conn->socket, code == SSL_ERROR_WANT_READ ? G_IO_IN : G_IO_OUT, -1,
                                        cancellable, error);
}

/* The peer's chain as GIO reads certificates: leaf first, PEM. */
static char *
chain_pem (X509_STORE_CTX *store)
{
  X509 *leaf = X509_STORE_CTX_get0_cert (store);
  STACK_OF (X509) *rest = X509_STORE_CTX_get0_untrusted (store);
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;
  char *pem;

  PEM_write_bio_X509 (bio, leaf);
  for (int i = 0; rest != NULL && i < sk_X509_num (rest); i++)
    if (X509_cmp (sk_X509_value (rest, i), leaf) != 0)
      PEM_write_bio_X509 (bio, sk_X509_value (rest, i));
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  BIO_free (bio);
  return pem;
}

/* Replaces OpenSSL's own check: the chain goes to the client's
 * GTlsDatabase with the server's name, and its flags decide (any flag:
 * refused, and remembered for the error that names the reason). */
static int
verify_cb (X509_STORE_CTX *store,
           void           *data)
{
  SSL *ssl = X509_STORE_CTX_get_ex_data (store, SSL_get_ex_data_X509_STORE_CTX_idx ());
  Handshake *hs = SSL_get_app_data (ssl);
  g_autofree char *pem = chain_pem (store);
  g_autoptr(GTlsCertificate) chain = g_tls_certificate_new_from_pem (pem, -1, NULL);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (g_uri_get_host (hs->uri),
                                                                  (guint16) fm_chunk_uri_port (hs->uri));
  g_autoptr(GTlsDatabase) system = NULL;
  GTlsDatabase *database = hs->database;
  GTlsCertificateFlags flags = G_TLS_CERTIFICATE_GENERIC_ERROR;

  if (database == NULL)
    database = system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  if (chain != NULL && database != NULL)
    flags = g_tls_database_verify_chain (database, chain, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
                                         NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  if (flags == 0)
    return 1;
  *hs->tls_errors = fm_http_certificate_flags_record (flags);
  X509_STORE_CTX_set_error (store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

/* One for the process: what differs between connections (the trust, the
 * name) travels in each handshake's app data. */
static SSL_CTX *
ssl_context (void)
{
  static gsize once;
  static SSL_CTX *ctx;

  if (g_once_init_enter (&once))
    {
      static const unsigned char alpn[] = "\x08http/1.1";

      ctx = SSL_CTX_new (TLS_client_method ());
      SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
      SSL_CTX_set_options (ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
      SSL_CTX_set_mode (ctx, SSL_MODE_AUTO_RETRY);
      SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER, NULL);
      SSL_CTX_set_cert_verify_callback (ctx, verify_cb, NULL);
      SSL_CTX_set_alpn_protos (ctx, alpn, sizeof alpn - 1);
      g_once_init_leave (&once, 1);
    }
  return ctx;
}

static gboolean
handshake (FmChunkConn   *conn,
           GUri          *uri,
           GTlsDatabase  *database,
           guint         *tls_errors,
           GCancellable  *cancellable,
           GError       **error)
{
  const char *host = g_uri_get_host (uri);
  Handshake hs = { uri, database, tls_errors };
  gboolean ok = TRUE;

  conn->ssl = SSL_new (ssl_context ());
  SSL_set_fd (conn->ssl, g_socket_get_fd (conn->socket));
  SSL_set_app_data (conn->ssl, &hs);
  if (!g_hostname_is_ip_address (host))
    SSL_set_tlsext_host_name (conn->ssl, host);
  for (;;)
    {
      int r = SSL_connect (conn->ssl);
      gboolean again;

      if (r == 1)
        break;
      if (!ssl_wait (conn, r, cancellable, &again, error))
        {
          ok = again ? FALSE : ssl_error (conn, r, *tls_errors != 0, "handshake", error);
          break;
        }
    }
  SSL_set_app_data (conn->ssl, NULL);
  return ok;
}

/* ---------------------------------------------------------------- I/O */

FmChunkConn *
fm_chunk_conn_open (GUri          *uri,
                    GTlsDatabase  *database,
                    guint         *tls_errors,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autofree char *text = g_uri_to_string (uri);
  g_autoptr(FmChunkConn) conn = g_new0 (FmChunkConn, 1);

  /* the same proxy rule as libsoup's session: the system's */
  g_socket_client_set_enable_proxy (client, TRUE);
  g_socket_client_set_timeout (client, IO_TIMEOUT_S);
  conn->connection = g_socket_client_connect_to_uri (client, text, (guint16) fm_chunk_uri_port (uri), cancellable,
                                                     error);
  if (conn->connection == NULL)
    return NULL;
  conn->socket = g_socket_connection_get_socket (conn->connection);
  /* the head, then the body: the body's last segment must not wait for
   * the ACK of the head (Nagle + delayed ACK: 40 ms per chunk) */
  g_socket_set_option (conn->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (fm_chunk_uri_is_https (uri) && !handshake (conn, uri, database, tls_errors, cancellable, error))
    return NULL;
  return g_steal_pointer (&conn);
}

/* Like g_input_stream_read(): 0 at the end of the stream. */
/* Reads end by @deadline (g_get_monotonic_time() µs; 0: only the 60 s
 * wait of each read): a server that drips its answer byte by byte cannot
 * hold a request past it. */
void
fm_chunk_conn_set_deadline (FmChunkConn *conn,
                            gint64       deadline)
{
  conn->deadline = deadline;
  if (deadline == 0)
    g_socket_set_timeout (conn->socket, IO_TIMEOUT_S);
}

void
fm_chunk_conn_set_idle_since (FmChunkConn *conn,
                              gint64       when)
{
  conn->idle_since = when;
}

gint64
fm_chunk_conn_get_idle_since (FmChunkConn *conn)
{
  return conn->idle_since;
}

/* The socket's wait for the next read: what is left of the deadline (in
 * whole seconds, the socket's unit), at most the usual 60 s. */
static gboolean
arm_deadline (FmChunkConn  *conn,
              GError      **error)
{
  gint64 left;

  if (conn->deadline == 0)
    return TRUE;
  left = conn->deadline - g_get_monotonic_time ();
  if (left <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "the upload host did not finish its answer in time");
      return FALSE;
    }
  g_socket_set_timeout (conn->socket, (guint) MIN (IO_TIMEOUT_S, (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  return TRUE;
}

gssize
fm_chunk_conn_read (FmChunkConn   *conn,
                    guint8        *buffer,
                    gsize          size,
                    GCancellable  *cancellable,
                    GError       **error)
{
  if (!arm_deadline (conn, error))
    return -1;
  if (conn->ssl == NULL)
    return g_socket_receive (conn->socket, (char *) buffer, size, cancellable, error);
  for (;;)
    {
      int n = SSL_read (conn->ssl, buffer, (int) MIN (size, G_MAXINT));
      gboolean again;

      if (n > 0)
        return n;
      if (!arm_deadline (conn, error))
        return -1;
      if (SSL_get_error (conn->ssl, n) == SSL_ERROR_ZERO_RETURN)
        return 0;
      if (!ssl_wait (conn, n, cancellable, &again, error))
        return again ? -1 : (ssl_error (conn, n, FALSE, "read", error), -1);
    }
}

gboolean
fm_chunk_conn_write_all (FmChunkConn   *conn,
                         const guint8  *buffer,
                         gsize          size,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n;

      if (conn->ssl == NULL)
        n = g_socket_send (conn->socket, (const char *) buffer + done, size - done, cancellable, error);
      else
        {
          int r = SSL_write (conn->ssl, buffer + done, (int) MIN (size - done, G_MAXINT));
          gboolean again;

          if (r <= 0)
            {
              if (ssl_wait (conn, r, cancellable, &again, error))
                continue;
              return again ? FALSE : ssl_error (conn, r, FALSE, "write", error);
            }
          n = r;
        }
      if (n < 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}
