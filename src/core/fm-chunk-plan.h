/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-plan.h: chunk arithmetic of the API reference, and the set of
 * chunks the server has acknowledged
 *
 * "Calculate total number of chunks as Math.Ceiling(FileSize/ChunkSize) ...
 * when uploaded file is empty (size = 0 bytes) provide value 1 as the
 * number of chunks." Sizes and offsets are 64-bit all the way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_CHUNK_SIZE_MIN     G_GINT64_CONSTANT (5000000)
#define FM_CHUNK_SIZE_MAX     G_GINT64_CONSTANT (50000000)
#define FM_CHUNK_SIZE_DEFAULT G_GINT64_CONSTANT (8388608)
/* Bounds for numbers read back from disk: 64 TiB a file, 2^24 chunks
 * (2 MiB of acknowledgement bits). */
#define FM_FILE_SIZE_MAX      (G_GINT64_CONSTANT (1) << 46)
#define FM_CHUNK_COUNT_MAX    (G_GINT64_CONSTANT (1) << 24)

gint64   fm_chunk_plan_count  (gint64  file_size,
                               gint64  chunk_size);
void     fm_chunk_plan_range  (gint64  file_size,
                               gint64  chunk_size,
                               gint64  index,
                               gint64 *offset,
                               gint64 *length);

typedef struct _FmChunkSet FmChunkSet;

FmChunkSet *fm_chunk_set_new          (gint64            n_chunks);
FmChunkSet *fm_chunk_set_new_parse    (gint64            n_chunks,
                                       const char       *text);
void        fm_chunk_set_free         (FmChunkSet       *set);
gint64      fm_chunk_set_get_size     (const FmChunkSet *set);
gboolean    fm_chunk_set_contains     (const FmChunkSet *set,
                                       gint64            index);
void        fm_chunk_set_add          (FmChunkSet       *set,
                                       gint64            index);
gint64      fm_chunk_set_count        (const FmChunkSet *set);
gboolean    fm_chunk_set_is_full      (const FmChunkSet *set);
char       *fm_chunk_set_to_string    (const FmChunkSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmChunkSet, fm_chunk_set_free)

G_END_DECLS
