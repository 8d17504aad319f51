/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-conn.h: one connection to an upload host, for FmChunkSender
 *
 * A socket from GSocketClient (so the system's proxy settings apply: a
 * proxy's CONNECT leaves a plain tunnel), TCP_NODELAY, and over https
 * OpenSSL on it. OpenSSL rather than glib-networking's GnuTLS because for
 * the same bytes it costs 1.4 s less CPU per GiB (HACKING.md, "The upload
 * engine"). The certificate is not OpenSSL's to judge: the peer's chain
 * goes to @database (the client's FmTlsDatabase: the system's trust and a
 * company's CA, libsoup's rule), and the flags it returns are kept in
 * *@tls_errors (fm_http_certificate_flags_record()) for an error that
 * names the reason.
 *
 * Blocking calls, for a worker thread; the socket's 60 s timeout bounds
 * every wait, and @cancellable ends one.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FmChunkConn FmChunkConn;

FmChunkConn *fm_chunk_conn_open       (GUri          *uri,
                                       GTlsDatabase  *database,
                                       guint         *tls_errors,
                                       GCancellable  *cancellable,
                                       GError       **error);
void         fm_chunk_conn_free       (FmChunkConn   *conn);
gboolean     fm_chunk_conn_is_tls     (FmChunkConn   *conn);
GSocket     *fm_chunk_conn_get_socket (FmChunkConn   *conn);
gboolean     fm_chunk_conn_is_quiet   (FmChunkConn   *conn);
void         fm_chunk_conn_set_deadline (FmChunkConn *conn,
                                       gint64         deadline);
void         fm_chunk_conn_set_idle_since (FmChunkConn *conn,
                                       gint64         when);
gint64       fm_chunk_conn_get_idle_since (FmChunkConn *conn);
gssize       fm_chunk_conn_read       (FmChunkConn   *conn,
                                       guint8        *buffer,
                                       gsize          size,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean     fm_chunk_conn_write_all  (FmChunkConn   *conn,
                                       const guint8  *buffer,
                                       gsize          size,
                                       GCancellable  *cancellable,
                                       GError       **error);

gboolean     fm_chunk_uri_is_https    (GUri          *uri);
int          fm_chunk_uri_port        (GUri          *uri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmChunkConn, fm_chunk_conn_free)

G_END_DECLS
