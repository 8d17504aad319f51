/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-part.h: the file a download is written to, safely (see fm-download-part.c) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char  *directory;
  GStrv  subfolders;    /* the transfer's folders above the file, each safe */
  char  *name;          /* safe */
  char  *part_name;     /* "<name>.<key>.part": one per transfer and file */
  int    dir_fd;        /* of the folder the file goes in (below the subfolders) */
  int    part_fd;       /* the .part, locked while open */
  GMutex  lock;         /* guards pending */
  GCond   written;
  guint   pending;      /* writes handed to the writer, not done yet */
} FmDownloadPart;

void      fm_download_part_init     (FmDownloadPart  *part,
                                     const char      *directory,
                                     const char      *server_name,
                                     const char      *key);
void      fm_download_part_clear    (FmDownloadPart  *part);
gboolean  fm_download_part_open     (FmDownloadPart  *part,
                                     gint64          *size,
                                     GError         **error);
void      fm_download_part_close    (FmDownloadPart  *part);
gboolean  fm_download_part_is_ours  (FmDownloadPart  *part);
void      fm_download_part_discard  (FmDownloadPart  *part);
char     *fm_download_part_keep     (FmDownloadPart  *part,
                                     GError         **error);
void      fm_download_part_write_async  (FmDownloadPart      *part,
                                         GBytes              *bytes,
                                         gint64               offset,
                                         gpointer             source_object,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  fm_download_part_write_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
