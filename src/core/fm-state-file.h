/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-state-file.h: the one way the client reads its own state and
 * configuration files
 *
 * Anyone who can write the state folder (a restored backup, a synced or
 * shared folder) can put anything there: a FIFO (a plain read waits
 * forever), a link to /dev/zero (a plain read fills memory), a folder, a
 * file of gigabytes. Every state and config file goes through here: no
 * link followed (unless asked, for a file the user chose), opened without
 * blocking, a regular file of at most @max_size bytes, read to at most
 * that many bytes.
 */
#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

typedef enum {
  FM_STATE_FILE_NONE = 0,
  FM_STATE_FILE_FOLLOW_LINKS = 1 << 0,   /* a file the user chose (a CA file): its link is theirs */
} FmStateFileFlags;

char     *fm_state_file_read  (const char        *path,
                               gsize              max_size,
                               FmStateFileFlags   flags,
                               gsize             *length,
                               GError           **error);
gboolean  fm_state_file_check (const char        *path,
                               gsize              max_size,
                               FmStateFileFlags   flags,
                               struct stat       *st,
                               GError           **error);

G_END_DECLS
