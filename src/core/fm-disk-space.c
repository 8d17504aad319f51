/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-disk-space.c: room for a download (see the header) */
#define G_LOG_DOMAIN "fm-disk-space"

#include <sys/statvfs.h>

#include <glib/gi18n-lib.h>

#include "fm-disk-space.h"
#include "fm-error.h"
#include "fm-format.h"

/* Bytes an ordinary user may still write where @folder is (its open
 * descriptor @folder_fd, or -1), or -1 when that cannot be known.
 * FILEMAIL_FREE_SPACE (bytes) stands in for the answer in tests. */
gint64
fm_disk_space_free (const char *folder,
                    int         folder_fd)
{
  const char *fake = g_getenv ("FILEMAIL_FREE_SPACE");
  struct statvfs st;
  int r;

  if (fake != NULL && *fake != '\0')
    return g_ascii_strtoll (fake, NULL, 10);
  r = folder_fd >= 0 ? fstatvfs (folder_fd, &st) : statvfs (folder, &st);
  if (r != 0)
    return -1;
  return (gint64) MIN ((guint64) st.f_bavail * st.f_frsize, (guint64) G_MAXINT64);
}

/* Whether @needed bytes fit where @folder is with @margin left over; if
 * not, FM_ERROR_NO_ROOM saying "Needs 4.2 GB; 1.1 GB free on Downloads."
 * An unknown amount of room (a file system that does not say) lets it go. */
gboolean
fm_disk_space_check (const char  *folder,
                     int          folder_fd,
                     gint64       needed,
                     gint64       margin,
                     GError     **error)
{
  gint64 free_bytes = fm_disk_space_free (folder, folder_fd);
  g_autofree char *need = NULL, *have = NULL, *name = NULL;

  if (needed <= 0 || free_bytes < 0 || needed <= free_bytes - margin)
    return TRUE;
  need = fm_format_size (needed);
  have = fm_format_size (free_bytes);
  name = folder != NULL ? g_filename_display_basename (folder) : g_strdup (_("this disk"));
  g_set_error (error, FM_ERROR, FM_ERROR_NO_ROOM, _("Not enough room: needs %s; %s free on %s."), need, have, name);
  return FALSE;
}
