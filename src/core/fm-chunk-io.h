/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-io.h: hashing chunks off the main loop, a bounded number at a
 * time
 *
 * A chunk is hashed in a worker, a piece at a time through one 1 MiB
 * buffer per thread, and sent later straight from the file (the bytes are
 * in the page cache by then: FmChunkSender reads them again), so memory
 * does not grow with the chunk size. The pool counts chunks between hash
 * and answer: each holds a token from it, which goes back when the last
 * reference to its GBytes goes (the chunk's FmChunkPost lets go when the
 * answer is in), and the pool then calls its release function on the
 * main context so the owner can start the next read.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FmBufferPool FmBufferPool;

FmBufferPool *fm_buffer_pool_new          (gsize          buffer_size,
                                           guint          max_buffers,
                                           GSourceFunc    on_release,
                                           gpointer       user_data,
                                           GDestroyNotify user_data_free);
FmBufferPool *fm_buffer_pool_ref          (FmBufferPool  *pool);
void          fm_buffer_pool_unref        (FmBufferPool  *pool);
void          fm_buffer_pool_disconnect   (FmBufferPool  *pool);
gboolean      fm_buffer_pool_can_acquire  (FmBufferPool  *pool);
guint         fm_buffer_pool_get_in_use   (FmBufferPool  *pool);
guint8       *fm_buffer_pool_acquire      (FmBufferPool  *pool);
GBytes       *fm_buffer_pool_wrap         (FmBufferPool  *pool,
                                           guint8        *buffer,
                                           gsize          length);
void          fm_buffer_pool_release      (FmBufferPool  *pool,
                                           guint8        *buffer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmBufferPool, fm_buffer_pool_unref)

/* What a read produced: the region's MD5, the region, and the pool's
 * token (an empty GBytes) that the request body holds. */
typedef struct {
  GBytes *slot;
  char   *md5;
  char   *path;
  gint64  offset;
  gint64  length;
} FmChunkData;

void          fm_chunk_data_free          (FmChunkData   *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmChunkData, fm_chunk_data_free)

void          fm_chunk_read_async         (FmBufferPool        *pool,
                                           const char          *path,
                                           gint64               offset,
                                           gint64               length,
                                           gint64               expected_size,
                                           gint64               expected_mtime,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
FmChunkData  *fm_chunk_read_finish        (GAsyncResult        *result,
                                           GError             **error);

gboolean      fm_file_error_unreadable    (GError       **error,
                                           const char    *path,
                                           int            errsv);
gboolean      fm_file_error_changed       (GError       **error,
                                           const char    *path);
gboolean      fm_file_stat                (const char    *path,
                                           gint64        *size,
                                           gint64        *mtime_us,
                                           GError       **error);

G_END_DECLS
