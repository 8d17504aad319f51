/* fm-file-row.h: one file of a transfer, with its download */
#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "fm-transfer-file.h"

G_BEGIN_DECLS

#define FM_TYPE_FILE_ROW (fm_file_row_get_type ())
G_DECLARE_FINAL_TYPE (FmFileRow, fm_file_row, FM, FILE_ROW, AdwActionRow)

typedef enum {
  FM_FILE_ROW_IDLE,
  FM_FILE_ROW_DOWNLOADING,
  FM_FILE_ROW_DONE,
  FM_FILE_ROW_FAILED,
} FmFileRowState;

GtkWidget      *fm_file_row_new            (FmTransferFile *file,
                                            gboolean        editable);
FmTransferFile *fm_file_row_get_file       (FmFileRow      *self);
void            fm_file_row_download       (FmFileRow      *self,
                                            SoupSession    *session,
                                            const char     *folder);
void            fm_file_row_cancel         (FmFileRow      *self);
FmFileRowState  fm_file_row_get_state      (FmFileRow      *self);
const char     *fm_file_row_get_saved_path (FmFileRow      *self);

G_END_DECLS
