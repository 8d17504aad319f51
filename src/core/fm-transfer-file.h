/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-file.h: one file of a Filemail transfer */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FM_TYPE_TRANSFER_FILE (fm_transfer_file_get_type ())
G_DECLARE_FINAL_TYPE (FmTransferFile, fm_transfer_file, FM, TRANSFER_FILE, GObject)

FmTransferFile *fm_transfer_file_new_from_json   (JsonObject     *object,
                                                  GError        **error);
const char     *fm_transfer_file_get_id          (FmTransferFile *self);
const char     *fm_transfer_file_get_transfer_id (FmTransferFile *self);
void            fm_transfer_file_set_transfer_id (FmTransferFile *self,
                                                  const char     *transfer_id);
const char     *fm_transfer_file_get_filename    (FmTransferFile *self);
void            fm_transfer_file_set_filename    (FmTransferFile *self,
                                                  const char     *filename);
gint64          fm_transfer_file_get_filesize    (FmTransferFile *self);
const char     *fm_transfer_file_get_download_url (FmTransferFile *self);
const char     *fm_transfer_file_get_small_preview (FmTransferFile *self);
const char     *fm_transfer_file_get_large_preview (FmTransferFile *self);

G_END_DECLS
