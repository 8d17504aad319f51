/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-file-row.h: one file of a transfer, or one download */
#pragma once

#include <adwaita.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_FILE_ROW (fm_file_row_get_type ())
G_DECLARE_FINAL_TYPE (FmFileRow, fm_file_row, FM, FILE_ROW, AdwActionRow)

typedef enum {
  FM_FILE_ROW_IDLE,
  FM_FILE_ROW_DOWNLOADING,
  FM_FILE_ROW_DONE,
  FM_FILE_ROW_FAILED,
} FmFileRowState;

GtkWidget      *fm_file_row_new            (FmSession      *session,
                                            FmTransferFile *file,
                                            gboolean        editable);
GtkWidget      *fm_file_row_new_for_download (FmSession     *session,
                                            FmDownloadJob  *job);
FmFileRow      *fm_file_row_new_unbound    (FmSession      *session,
                                            gboolean        editable);
void            fm_file_row_bind           (FmFileRow      *self,
                                            FmTransferFile *file);
FmTransferFile *fm_file_row_get_file       (FmFileRow      *self);
void            fm_file_row_download       (FmFileRow      *self);
void            fm_file_row_cancel         (FmFileRow      *self);
FmFileRowState  fm_file_row_get_state      (FmFileRow      *self);
gboolean        fm_file_row_focus_open     (FmFileRow      *self);
const char     *fm_file_row_get_saved_path (FmFileRow      *self);

G_END_DECLS
