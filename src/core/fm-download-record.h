/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-record.h: what was saved where, across restarts
 *
 * $XDG_STATE_HOME/filemail/downloads.json, mode 0600:
 * {"version": 1, "files": {"<transfer id>/<file id>": {"path": ..., "size": n,
 * "time": unix}}}, the newest FM_DOWNLOAD_RECORD_MAX. A lookup answers only
 * while the file is still there, a regular file of the recorded size: a
 * file moved or changed since is not "saved" any more.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_DOWNLOAD_RECORD_MAX 10000

#define FM_TYPE_DOWNLOAD_RECORD (fm_download_record_get_type ())
G_DECLARE_FINAL_TYPE (FmDownloadRecord, fm_download_record, FM, DOWNLOAD_RECORD, GObject)

FmDownloadRecord *fm_download_record_new     (const char       *path);
void              fm_download_record_add     (FmDownloadRecord *self,
                                              const char       *transfer_id,
                                              const char       *file_id,
                                              const char       *saved_path);
gboolean          fm_download_record_flush   (FmDownloadRecord *self);
char             *fm_download_record_lookup  (FmDownloadRecord *self,
                                              const char       *transfer_id,
                                              const char       *file_id);

G_END_DECLS
