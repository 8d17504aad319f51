/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-state-file.c: state and config files, read as hostile (see the header) */
#define G_LOG_DOMAIN "fm-state-file"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "fm-state-file.h"

static int
open_file (const char        *path,
           FmStateFileFlags   flags,
           GError           **error)
{
  /* O_NONBLOCK: opening a FIFO for reading does not wait for a writer */
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                       ((flags & FM_STATE_FILE_FOLLOW_LINKS) ? 0 : O_NOFOLLOW));

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, saved == ELOOP ? G_IO_ERROR_NOT_REGULAR_FILE : g_io_error_from_errno (saved),
                   saved == ELOOP ? _("%s is a link, not a file") : "%s: %s", path, g_strerror (saved));
      return -1;
    }
  return fd;
}

static gboolean
check_fd (int           fd,
          const char   *path,
          gsize         max_size,
          struct stat  *st,
          GError      **error)
{
  if (fstat (fd, st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _("%s is not a regular file"), path);
      return FALSE;
    }
  if ((guint64) st->st_size > max_size)
    {
      g_autofree char *limit = g_format_size (max_size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is larger than %s"), path, limit);
      return FALSE;
    }
  return TRUE;
}

/* Whether @path is a regular file of at most @max_size bytes (its stat in
 * @st), without reading it. */
gboolean
fm_state_file_check (const char        *path,
                     gsize              max_size,
                     FmStateFileFlags   flags,
                     struct stat       *st,
                     GError           **error)
{
  int fd = open_file (path, flags, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = check_fd (fd, path, max_size, st, error);
  close (fd);
  return ok;
}

/* The contents of @path (NUL-terminated, its length in @length), or NULL
 * and @error: missing, a link (unless FM_STATE_FILE_FOLLOW_LINKS), not a
 * regular file, or more than @max_size bytes, even if it grows while read. */
char *
fm_state_file_read (const char        *path,
                    gsize              max_size,
                    FmStateFileFlags   flags,
                    gsize             *length,
                    GError           **error)
{
  int fd = open_file (path, flags, error);
  g_autofree char *text = NULL;
  struct stat st;
  gsize done = 0;

  if (fd < 0)
    return NULL;
  if (!check_fd (fd, path, max_size, &st, error))
    {
      close (fd);
      return NULL;
    }
  text = g_malloc ((gsize) st.st_size + 2);
  /* one byte more than it said: a file that grew is noticed */
  while (done < (gsize) st.st_size + 1)
    {
      ssize_t n = read (fd, text + done, (gsize) st.st_size + 1 - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  if (done > (gsize) st.st_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s changed while it was read"), path);
      return NULL;
    }
  text[done] = '\0';
  if (length != NULL)
    *length = done;
  return g_steal_pointer (&text);
}
