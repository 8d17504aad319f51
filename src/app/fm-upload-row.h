/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-row.h: one transfer of the queue, live */
#pragma once

#include <adwaita.h>

#include "fm-upload-queue.h"

G_BEGIN_DECLS

#define FM_TYPE_UPLOAD_ROW (fm_upload_row_get_type ())
G_DECLARE_FINAL_TYPE (FmUploadRow, fm_upload_row, FM, UPLOAD_ROW, GtkListBoxRow)

FmUploadRow *fm_upload_row_new        (FmUploadJob   *job,
                                       FmUploadQueue *queue);
const char  *fm_upload_row_get_status (FmUploadRow   *self);
const char  *fm_upload_row_get_accessible_name (FmUploadRow *self);
FmUploadJob *fm_upload_row_get_job    (FmUploadRow   *self);

G_END_DECLS
