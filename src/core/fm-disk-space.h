/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-disk-space.h: is there room for a download, before it starts
 *
 * A download that fills the disk fails half way and takes the rest of the
 * computer with it; an automatic one nobody asked for must never. The
 * room is asked of the folder's file system (statvfs: what an ordinary
 * user may still write) before each file and before a whole transfer,
 * and a margin is kept free: FM_DISK_MARGIN_ASKED for downloads the user
 * started, FM_DISK_MARGIN_AUTOMATIC for automatic ones.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_DISK_MARGIN_ASKED     (G_GINT64_CONSTANT (64) * 1024 * 1024)
#define FM_DISK_MARGIN_AUTOMATIC (G_GINT64_CONSTANT (1024) * 1024 * 1024)

gint64   fm_disk_space_free   (const char  *folder,
                               int          folder_fd);
gboolean fm_disk_space_check  (const char  *folder,
                               int          folder_fd,
                               gint64       needed,
                               gint64       margin,
                               GError     **error);

G_END_DECLS
