/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-part.c: the file a download is written to
 *
 * "<name>.<key>.part" in the chosen folder (below the transfer's own
 * folders, each made safe), opened relative to the folder's descriptor
 * without following links and locked while written; renamed at the end
 * to a name that exists nowhere yet, never replacing anything. The
 * network side is fm-download-job.c (and fm-download-ranges.c).
 */
#define _GNU_SOURCE   /* renameat2, RENAME_NOREPLACE */
#define G_LOG_DOMAIN "fm-download-part"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-download-job.h"
#include "fm-download-names.h"
#include "fm-download-part.h"
#include "fm-error.h"

void
fm_download_part_init (FmDownloadPart *part,
                       const char     *directory,
                       const char     *server_name,
                       const char     *key)
{
  part->subfolders = fm_download_split_subfolders (server_name, &part->name);
  part->directory = g_strdup (directory);
  part->part_name = fm_download_part_name (part->name, key != NULL ? key : part->name);
  part->dir_fd = part->part_fd = -1;
  g_mutex_init (&part->lock);
  g_cond_init (&part->written);
}

void
fm_download_part_clear (FmDownloadPart *part)
{
  fm_download_part_close (part);
  g_clear_pointer (&part->directory, g_free);
  g_clear_pointer (&part->subfolders, g_strfreev);
  g_clear_pointer (&part->name, g_free);
  g_clear_pointer (&part->part_name, g_free);
  g_mutex_clear (&part->lock);
  g_cond_clear (&part->written);
}

/* The .part goes: a download that failed in a way not worth resuming. */
void
fm_download_part_discard (FmDownloadPart *part)
{
  if (part->dir_fd >= 0 && part->part_fd >= 0 && fm_download_part_is_ours (part))
    unlinkat (part->dir_fd, part->part_name, 0);
}

/* Closing the descriptor drops the lock on the .part: the next run (or
 * another process) may take it. */
void
fm_download_part_close (FmDownloadPart *part)
{
  /* what was handed to the writer is written before the descriptor goes */
  g_mutex_lock (&part->lock);
  while (part->pending > 0)
    g_cond_wait (&part->written, &part->lock);
  g_mutex_unlock (&part->lock);
  if (part->part_fd >= 0)
    close (part->part_fd);
  if (part->dir_fd >= 0)
    close (part->dir_fd);
  part->part_fd = part->dir_fd = -1;
}


/* The name in the folder still is the file this job wrote through its
 * descriptor, not something put in its place since. */
gboolean
fm_download_part_is_ours (FmDownloadPart *part)
{
  struct stat by_fd, by_name;

  return fstat (part->part_fd, &by_fd) == 0 &&
         fstatat (part->dir_fd, part->part_name, &by_name, AT_SYMLINK_NOFOLLOW) == 0 &&
         by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino;
}


/* Renames the .part to the first free name and returns its path, atomically refusing to
 * replace anything (RENAME_NOREPLACE; where the file system lacks it, a
 * hard link, which fails on an existing name too, then unlink). */
char *
fm_download_part_keep (FmDownloadPart  *part,
                       GError         **error)
{
  for (guint n = 0; n < 1000; n++)
    {
      g_autofree char *candidate = fm_download_candidate_name (part->name, n);
      int rc;

      if (!fm_download_part_is_ours (part))
        break;
      rc = renameat2 (part->dir_fd, part->part_name, part->dir_fd, candidate, RENAME_NOREPLACE);
      if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
        {
          rc = linkat (part->dir_fd, part->part_name, part->dir_fd, candidate, 0);
          if (rc == 0)
            unlinkat (part->dir_fd, part->part_name, 0);
        }
      if (rc == 0)
        {
          g_autofree char *below = part->subfolders != NULL ? g_strjoinv (G_DIR_SEPARATOR_S, part->subfolders)
                                                            : g_strdup ("");

          return g_build_filename (part->directory, below, candidate, NULL);
        }
      if (errno != EEXIST)
        {
          int saved = errno;
          g_autofree char *folder = g_filename_display_name (part->directory);
          g_propagate_error (error, fm_error_new_download (_("Cannot save “%s” in %s: %s"),
                                                           part->name, folder, g_strerror (saved)));
          return NULL;
        }
    }
  g_propagate_error (error, fm_error_new_download (_("“%s” was changed by something else while it was "
                                                   "downloaded; it was not kept."), part->name));
  return NULL;
}


/* Opens (or creates) the .part inside the folder without following a
 * link, and makes sure it is a file of its own: a link, a hard link to a
 * file elsewhere, or anything not regular planted under the name is
 * removed (the name is this job's, the thing it pointed to is untouched)
 * and a new file made in its place. The lock keeps a second job, in this
 * process or another, from writing the same .part. */
gboolean
fm_download_part_open (FmDownloadPart  *part,
                       gint64          *size,
                       GError         **error)
{
  g_autofree char *folder = g_filename_display_name (part->directory);
  struct stat st;
  int saved;

  /* the user's umask decides who may read what they download, as for
   * any file they save (0600 hid downloads from their other accounts) */
  g_mkdir_with_parents (part->directory, 0777);
  part->dir_fd = open (part->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (part->dir_fd < 0)
    goto failed;
  if (!fm_download_enter_subfolders (&part->dir_fd, (const char * const *) part->subfolders, part->name, error))
    return FALSE;
  for (int attempt = 0; attempt < 2; attempt++)
    {
      part->part_fd = openat (part->dir_fd, part->part_name,
                              O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
                              (attempt > 0 ? O_EXCL : 0), 0666);
      if (part->part_fd >= 0 && fstat (part->part_fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_nlink == 1)
        break;
      if (part->part_fd < 0 && errno != ELOOP && errno != ENXIO && errno != EEXIST)
        goto failed;
      g_warning ("Something was planted as %s in %s; it is removed and the download starts anew",
                 part->part_name, part->directory);
      if (part->part_fd >= 0)
        close (part->part_fd);
      part->part_fd = -1;
      if (unlinkat (part->dir_fd, part->part_name, 0) != 0 && errno != ENOENT)
        goto failed;
    }
  if (part->part_fd < 0)
    goto failed;
  if (flock (part->part_fd, LOCK_EX | LOCK_NB) != 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_BUSY, _("“%s” is already being downloaded into %s."),
                   part->name, folder);
      return FALSE;
    }
  *size = st.st_size;
  return TRUE;

failed:
  saved = errno;
  g_propagate_error (error, fm_error_new_download (_("Cannot save “%s” in %s: %s"), part->name, folder,
                                                   g_strerror (saved)));
  return FALSE;
}


/* ------------------------------------------------------------ writing */

/* Every write of every download goes to one thread, in the order given:
 * the main loop never waits for a slow disk, the ranges of a file never
 * contend for its inode's lock (two threads writing one file spent 12 %
 * of the CPU spinning on it), and a Download All of 10,000 small files
 * starts no thread per file. Copying into the page cache runs at several
 * GB/s: one thread keeps up with any network. */
typedef struct {
  FmDownloadPart *part;
  GBytes         *bytes;
  gint64          offset;
} Write;

static void
write_free (Write *w)
{
  g_bytes_unref (w->bytes);
  g_free (w);
}

static void
done_with (FmDownloadPart *part)
{
  g_mutex_lock (&part->lock);
  part->pending--;
  g_cond_broadcast (&part->written);
  g_mutex_unlock (&part->lock);
}

static void
write_in_thread (gpointer data,
                 gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  Write *w = g_task_get_task_data (task);
  FmDownloadPart *part = w->part;
  gsize size = 0;
  const guint8 *bytes = g_bytes_get_data (w->bytes, &size);
  gint64 offset = w->offset;
  int saved = 0;

  while (size > 0)
    {
      ssize_t n = pwrite (part->part_fd, bytes, size, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved = n < 0 ? errno : ENOSPC;
          break;
        }
      bytes += n;
      size -= (gsize) n;
      offset += n;
    }
  /* the part may be closed and freed as soon as this is counted: not
   * touched after */
  w->part = NULL;
  done_with (part);
  if (saved != 0)
    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
  else
    g_task_return_boolean (task, TRUE);
}

static GThreadPool *
writer (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (write_in_thread, NULL, 1, FALSE, NULL));
  return pool;
}

/* @bytes at @offset of the open .part; @callback runs in the caller's
 * context once they are written. */
void
fm_download_part_write_async (FmDownloadPart      *part,
                              GBytes              *bytes,
                              gint64               offset,
                              gpointer             source_object,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (source_object, NULL, callback, user_data);
  Write *w = g_new0 (Write, 1);

  w->part = part;
  w->bytes = g_bytes_ref (bytes);
  w->offset = offset;
  g_task_set_task_data (task, w, (GDestroyNotify) write_free);
  g_mutex_lock (&part->lock);
  part->pending++;
  g_mutex_unlock (&part->lock);
  g_thread_pool_push (writer (), task, NULL);
}

gboolean
fm_download_part_write_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
