/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-application.h: the Filemail desktop application */
#pragma once

#include <adwaita.h>

#include "fm-client.h"
#include "fm-download-job.h"
#include "fm-transfer-file.h"
#include "fm-upload-queue.h"

G_BEGIN_DECLS

#define FM_TYPE_APPLICATION (fm_application_get_type ())
G_DECLARE_FINAL_TYPE (FmApplication, fm_application, FM, APPLICATION, AdwApplication)

FmApplication *fm_application_new               (void);
FmClient      *fm_application_get_client        (FmApplication *self);
FmUploadQueue *fm_application_get_queue         (FmApplication *self);
GSettings     *fm_application_get_settings      (FmApplication *self);
const char    *fm_application_get_account_email (FmApplication *self);
void           fm_application_set_account       (FmApplication *self,
                                                 const char    *email,
                                                 const char    *token);
void           fm_application_show_login        (FmApplication *self,
                                                 GtkWindow     *parent);
GListModel    *fm_application_get_downloads     (FmApplication *self);
char          *fm_application_get_download_folder (FmApplication *self);
FmDownloadJob *fm_application_download          (FmApplication   *self,
                                                 FmTransferFile  *file,
                                                 const char      *folder,
                                                 GError         **error);
FmDownloadJob *fm_application_find_download     (FmApplication  *self,
                                                 FmTransferFile *file);
FmTransferFile *fm_application_get_download_file (FmDownloadJob *job);
void           fm_application_stop_download     (FmApplication *self,
                                                 FmDownloadJob *job);
void           fm_application_clear_downloads   (FmApplication *self);

G_END_DECLS
