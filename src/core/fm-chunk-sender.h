/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-sender.h: a chunk's POST, written close to the socket
 *
 * libsoup writes a request body through GIO's splice: 8 KiB per read and
 * per write, each a main-loop turn, a poll and a sendmsg (over https a TLS
 * record of 8 KiB too). For a 10 MB chunk that is 1,220 of each, and it
 * was a third of filemail's CPU per GiB. The upload host only ever gets one
 * kind of request from us, a region of a file POSTed with its parameters
 * in the query and a small answer back, so that request is written here:
 * in a worker thread, on a kept-alive connection of its own, the body
 * straight from the page cache (the region was hashed a moment ago) with
 * sendfile over http and in 256 KiB writes over https (OpenSSL, see
 * fm-chunk-conn.h), paced by the client's FmRateLimiter when it has a
 * limit. Every other request still goes through libsoup.
 *
 * The answer is read as hostile as fm-http.c reads one: a head of at most
 * 64 kB, a body of at most @max_answer, Content-Length or chunked, a
 * malformed status line is FM_ERROR_PROTOCOL; a refused certificate is
 * FM_ERROR_TLS naming the reason, a broken connection FM_ERROR_NETWORK, a
 * file that got shorter FM_ERROR_FILE_CHANGED. A kept-alive connection the
 * server closed meanwhile is replaced once, silently, as libsoup would.
 */
#pragma once

#include <gio/gio.h>

#include "fm-rate-limiter.h"

G_BEGIN_DECLS

#define FM_TYPE_CHUNK_SENDER (fm_chunk_sender_get_type ())
G_DECLARE_FINAL_TYPE (FmChunkSender, fm_chunk_sender, FM, CHUNK_SENDER, GObject)

/* One request: what to send, and (any thread) how much of it went. */
typedef struct _FmChunkPost FmChunkPost;

FmChunkSender *fm_chunk_sender_new              (const char    *user_agent);
void           fm_chunk_sender_set_tls_database (FmChunkSender *self,
                                                 GTlsDatabase  *database);
guint          fm_chunk_sender_get_connections_made (FmChunkSender *self);
void           fm_chunk_sender_set_answer_timeout (FmChunkSender *self,
                                                   guint          seconds);
GBytes        *fm_chunk_answer_parse (const guint8  *data,
                                      gsize          length,
                                      gsize          max_answer,
                                      guint         *status,
                                      gboolean      *keep,
                                      GError       **error);

FmChunkPost   *fm_chunk_post_new        (const char    *uri,
                                         const char    *path,
                                         gint64         offset,
                                         gint64         length,
                                         GBytes        *token,
                                         FmRateLimiter *limiter);
FmChunkPost   *fm_chunk_post_ref        (FmChunkPost   *post);
void           fm_chunk_post_unref      (FmChunkPost   *post);
gint64         fm_chunk_post_get_sent   (FmChunkPost   *post);
guint          fm_chunk_post_get_status (FmChunkPost   *post);
const char    *fm_chunk_post_get_reason (FmChunkPost   *post);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmChunkPost, fm_chunk_post_unref)

void           fm_chunk_sender_post_async  (FmChunkSender       *self,
                                            FmChunkPost         *post,
                                            gsize                max_answer,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GBytes        *fm_chunk_sender_post_finish (FmChunkSender       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
