/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-scan.h: turning the files and folders a user picked into the
 * list of files a transfer sends
 */
#pragma once

#include <gio/gio.h>

#include "fm-chunk-plan.h"

G_BEGIN_DECLS

/* One file of an upload. */
typedef struct {
  char       *path;       /* local path, in the file system's encoding */
  char       *name;       /* `thefilename`: UTF-8, relative to the chosen folder */
  gint64      size;
  gint64      mtime_us;
  FmChunkSet *acked;      /* chunks the server acknowledged; NULL until planned */
} FmUploadFile;

FmUploadFile *fm_upload_file_new        (const char   *path,
                                         const char   *name,
                                         gint64        size,
                                         gint64        mtime_us);
void          fm_upload_file_free       (FmUploadFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmUploadFile, fm_upload_file_free)

void          fm_upload_scan_async      (const char * const  *paths,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray    *fm_upload_scan_finish     (GAsyncResult        *result,
                                         GError             **error);
GPtrArray    *fm_upload_scan_sync       (const char * const  *paths,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
