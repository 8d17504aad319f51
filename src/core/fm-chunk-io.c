/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-io.c: reading and hashing chunks off the main loop */
#define G_LOG_DOMAIN "fm-chunk-io"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>

#include "fm-chunk-io.h"
#include "fm-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

struct _FmBufferPool {
  gatomicrefcount  ref;
  GMutex           lock;
  gsize            buffer_size;
  guint            max_buffers;
  guint            in_use;
  GPtrArray       *free_buffers;
  GMainContext    *context;
  GSourceFunc      on_release;
  gpointer         user_data;
  GDestroyNotify   user_data_free;
  gboolean         wakeup_pending;
};

FmBufferPool *
fm_buffer_pool_new (gsize          buffer_size,
                    guint          max_buffers,
                    GSourceFunc    on_release,
                    gpointer       user_data,
                    GDestroyNotify user_data_free)
{
  FmBufferPool *pool = g_new0 (FmBufferPool, 1);

  g_atomic_ref_count_init (&pool->ref);
  g_mutex_init (&pool->lock);
  pool->buffer_size = buffer_size;
  pool->max_buffers = max_buffers;
  pool->free_buffers = g_ptr_array_new_with_free_func (g_free);
  pool->context = g_main_context_ref_thread_default ();
  pool->on_release = on_release;
  pool->user_data = user_data;
  pool->user_data_free = user_data_free;
  return pool;
}

FmBufferPool *
fm_buffer_pool_ref (FmBufferPool *pool)
{
  g_atomic_ref_count_inc (&pool->ref);
  return pool;
}

/* The owner goes away before the last buffer comes back. */
void
fm_buffer_pool_disconnect (FmBufferPool *pool)
{
  g_mutex_lock (&pool->lock);
  if (pool->user_data_free != NULL && pool->user_data != NULL)
    pool->user_data_free (pool->user_data);
  pool->on_release = NULL;
  pool->user_data = NULL;
  g_mutex_unlock (&pool->lock);
}

void
fm_buffer_pool_unref (FmBufferPool *pool)
{
  if (!g_atomic_ref_count_dec (&pool->ref))
    return;
  fm_buffer_pool_disconnect (pool);
  g_ptr_array_unref (pool->free_buffers);
  g_main_context_unref (pool->context);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

gboolean
fm_buffer_pool_can_acquire (FmBufferPool *pool)
{
  gboolean ok;

  g_mutex_lock (&pool->lock);
  ok = pool->in_use < pool->max_buffers;
  g_mutex_unlock (&pool->lock);
  return ok;
}

guint
fm_buffer_pool_get_in_use (FmBufferPool *pool)
{
  guint n;

  g_mutex_lock (&pool->lock);
  n = pool->in_use;
  g_mutex_unlock (&pool->lock);
  return n;
}

/* NULL when every buffer is out. Buffers are reused rather than freed, so
 * the pages stay faulted in and glibc's arenas do not grow. */
guint8 *
fm_buffer_pool_acquire (FmBufferPool *pool)
{
  guint8 *buffer = NULL;

  g_mutex_lock (&pool->lock);
  if (pool->in_use < pool->max_buffers)
    {
      pool->in_use++;
      if (pool->free_buffers->len > 0)
        buffer = g_ptr_array_steal_index_fast (pool->free_buffers, pool->free_buffers->len - 1);
      else
        buffer = g_malloc (pool->buffer_size);
    }
  g_mutex_unlock (&pool->lock);
  return buffer;
}

/* Runs on the owner's main context, never inside whatever dropped the
 * buffer (often a chunk's request, freed in a worker): the owner is looked up
 * here, so one that disconnected meanwhile is not called. */
static gboolean
wakeup_cb (gpointer data)
{
  FmBufferPool *pool = data;
  GSourceFunc on_release;
  gpointer user_data;

  g_mutex_lock (&pool->lock);
  pool->wakeup_pending = FALSE;
  on_release = pool->on_release;
  user_data = pool->user_data;
  g_mutex_unlock (&pool->lock);
  if (on_release != NULL)
    on_release (user_data);
  return G_SOURCE_REMOVE;
}

void
fm_buffer_pool_release (FmBufferPool *pool,
                        guint8       *buffer)
{
  gboolean wake;

  g_mutex_lock (&pool->lock);
  g_assert (pool->in_use > 0);
  pool->in_use--;
  g_ptr_array_add (pool->free_buffers, buffer);
  wake = pool->on_release != NULL && !pool->wakeup_pending;
  pool->wakeup_pending |= wake;
  g_mutex_unlock (&pool->lock);
  if (wake)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_callback (source, wakeup_cb, fm_buffer_pool_ref (pool),
                             (GDestroyNotify) fm_buffer_pool_unref);
      g_source_set_static_name (source, "[filemail] buffer released");
      g_source_attach (source, pool->context);
    }
}

typedef struct {
  FmBufferPool *pool;
  guint8       *buffer;
} PooledBuffer;

static void
pooled_buffer_free (gpointer data)
{
  PooledBuffer *pb = data;
  FmBufferPool *pool = pb->pool;

  fm_buffer_pool_release (pool, pb->buffer);
  fm_buffer_pool_unref (pool);
  g_free (pb);
}

GBytes *
fm_buffer_pool_wrap (FmBufferPool *pool,
                     guint8       *buffer,
                     gsize         length)
{
  PooledBuffer *pb = g_new0 (PooledBuffer, 1);

  pb->pool = fm_buffer_pool_ref (pool);
  pb->buffer = buffer;
  return g_bytes_new_with_free_func (buffer, length, pooled_buffer_free, pb);
}

void
fm_chunk_data_free (FmChunkData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->slot, g_bytes_unref);
  g_free (data->md5);
  g_free (data->path);
  g_free (data);
}

/* The two ways reading a file to send fails, said the same wherever it
 * is read (hashing here, sending in FmChunkSender). FALSE, for return. */
gboolean
fm_file_error_unreadable (GError     **error,
                          const char  *path,
                          int          errsv)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE, _("Cannot read “%s”: %s"),
               display, g_strerror (errsv));
  return FALSE;
}

gboolean
fm_file_error_changed (GError     **error,
                       const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, FM_ERROR, FM_ERROR_FILE_CHANGED,
               _("“%s” changed while it was being sent. Send it again to upload the new version."),
               display);
  return FALSE;
}

gboolean
fm_file_stat (const char  *path,
              gint64      *size,
              gint64      *mtime_us,
              GError     **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return fm_file_error_unreadable (error, path, errno);
  *size = st.st_size;
  *mtime_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  return TRUE;
}

/* ------------------------------------------------------- the read task */

typedef struct {
  FmBufferPool *pool;
  guint8       *slot;        /* the pool's token for this chunk; owned until handed back */
  char         *path;
  gint64        offset;
  gint64        length;
  gint64        expected_size;
  gint64        expected_mtime;
  char         *md5;
} ReadData;

static void
read_data_free (ReadData *data)
{
  if (data->slot != NULL)
    fm_buffer_pool_release (data->pool, data->slot);
  fm_buffer_pool_unref (data->pool);
  g_free (data->path);
  g_free (data->md5);
  g_free (data);
}


static gboolean
check_unchanged (int          fd,
                 ReadData    *data,
                 GError     **error)
{
  struct stat st;
  gint64 mtime;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE, "%s", g_strerror (errno));
      return FALSE;
    }
  /* Queued as a regular file: a FIFO, device or socket put in its place
   * would block a read forever or never end. */
  if (!S_ISREG (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (data->path);
      g_set_error (error, FM_ERROR, FM_ERROR_FILE_CHANGED,
                   _("“%s” was replaced by something that is not a file, so it cannot be sent."), display);
      return FALSE;
    }
  mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  if (st.st_size != data->expected_size || mtime != data->expected_mtime)
    return fm_file_error_changed (error, data->path);
  return TRUE;
}

#define HASH_PIECE (1024 * 1024)

/* One piece buffer per worker thread, kept: a chunk of any size is hashed
 * through it, so memory does not grow with the chunk size. */
static guint8 *
piece_buffer (void)
{
  static GPrivate piece = G_PRIVATE_INIT (g_free);
  guint8 *buffer = g_private_get (&piece);

  if (buffer == NULL)
    {
      buffer = g_malloc (HASH_PIECE);
      g_private_set (&piece, buffer);
    }
  return buffer;
}

/* MD5 of the chunk's bytes, read piece by piece (they stay in the page
 * cache for the send, which reads them again: see FmChunkSender). */
static gboolean
hash_fully (int          fd,
            ReadData    *data,
            GError     **error)
{
  g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 *piece = piece_buffer ();
  guchar digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  gint64 done = 0;

  EVP_DigestInit_ex (ctx, EVP_md5 (), NULL);
  while (done < data->length)
    {
      ssize_t n = pread (fd, piece, (size_t) MIN (HASH_PIECE, data->length - done), data->offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return fm_file_error_unreadable (error, data->path, errno);
      if (n == 0)   /* shorter than when queued: truncated under us */
        return fm_file_error_changed (error, data->path);
      EVP_DigestUpdate (ctx, piece, (size_t) n);
      done += n;
    }
  EVP_DigestFinal_ex (ctx, digest, &digest_len);
  data->md5 = g_base64_encode (digest, digest_len);
  return TRUE;
}

/* In a worker: read the chunk and hash it. The file is checked before and
 * after the read, so a file edited mid-upload fails instead of sending a
 * mix of old and new bytes. */
/* Hashing is bulk work: it yields the CPU to the thread that draws the
 * window (Linux applies nice values per thread). */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;

  if (g_private_get (&lowered) == NULL)
    {
      setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
      g_private_set (&lowered, GINT_TO_POINTER (TRUE));
    }
#endif
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  g_autoptr(GError) error = NULL;
  int fd;

  lower_thread_priority ();
  /* O_NONBLOCK: opening a FIFO swapped in for the file must not wait for
   * a writer; check_unchanged() then refuses anything not regular. (No
   * O_NOFOLLOW: a link the user chose to send is theirs to send.) */
  fd = open (data->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    {
      fm_file_error_unreadable (&error, data->path, errno);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!check_unchanged (fd, data, &error) || !hash_fully (fd, data, &error) ||
      !check_unchanged (fd, data, &error))
    {
      close (fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  close (fd);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

void
fm_chunk_read_async (FmBufferPool        *pool,
                     const char          *path,
                     gint64               offset,
                     gint64               length,
                     gint64               expected_size,
                     gint64               expected_mtime,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadData *data = g_new0 (ReadData, 1);

  data->pool = fm_buffer_pool_ref (pool);
  data->slot = fm_buffer_pool_acquire (pool);
  g_return_if_fail (data->slot != NULL);
  data->path = g_strdup (path);
  data->offset = offset;
  data->length = length;
  data->expected_size = expected_size;
  data->expected_mtime = expected_mtime;
  g_task_set_source_tag (task, fm_chunk_read_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

FmChunkData *
fm_chunk_read_finish (GAsyncResult  *result,
                      GError       **error)
{
  ReadData *data = g_task_get_task_data (G_TASK (result));
  FmChunkData *chunk;

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fm_chunk_read_async, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  chunk = g_new0 (FmChunkData, 1);
  /* the token: the pool counts the chunk until its request lets go of it */
  chunk->slot = fm_buffer_pool_wrap (data->pool, g_steal_pointer (&data->slot), 0);
  chunk->md5 = g_steal_pointer (&data->md5);
  chunk->path = g_strdup (data->path);
  chunk->offset = data->offset;
  chunk->length = data->length;
  return chunk;
}
