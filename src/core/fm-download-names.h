/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-names.h: names a download takes on this disk (internal to
 * FmDownloadJob; the public ones are in fm-download-job.h) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *fm_download_part_name        (const char  *name,
                                     const char  *key);
GStrv  fm_download_split_subfolders (const char  *server_name,
                                     char       **name);

gboolean fm_download_enter_subfolders (int                *dir_fd,
                                      const char * const *subfolders,
                                      const char         *name,
                                      GError            **error);

G_END_DECLS
