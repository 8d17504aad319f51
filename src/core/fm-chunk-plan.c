/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-plan.c: chunk arithmetic and acknowledged-chunk sets */
#define G_LOG_DOMAIN "fm-chunk-plan"

#include <string.h>

#include "fm-chunk-plan.h"

gint64
fm_chunk_plan_count (gint64 file_size,
                     gint64 chunk_size)
{
  g_return_val_if_fail (chunk_size > 0 && file_size >= 0, 1);
  if (file_size == 0)
    return 1;
  return file_size / chunk_size + (file_size % chunk_size != 0);
}

/* The last chunk is shorter; an empty file has one empty chunk. */
void
fm_chunk_plan_range (gint64  file_size,
                     gint64  chunk_size,
                     gint64  index,
                     gint64 *offset,
                     gint64 *length)
{
  *offset = index * chunk_size;
  *length = MIN (chunk_size, file_size - *offset);
  if (*length < 0)
    *length = 0;
}

struct _FmChunkSet {
  gint64  n_chunks;
  gint64  count;
  guint8 *bits;
};

FmChunkSet *
fm_chunk_set_new (gint64 n_chunks)
{
  FmChunkSet *set = g_new0 (FmChunkSet, 1);

  set->n_chunks = n_chunks;
  set->bits = g_malloc0 ((gsize) (n_chunks + 7) / 8);
  return set;
}

void
fm_chunk_set_free (FmChunkSet *set)
{
  if (set == NULL)
    return;
  g_free (set->bits);
  g_free (set);
}

gint64
fm_chunk_set_get_size (const FmChunkSet *set)
{
  return set->n_chunks;
}

gboolean
fm_chunk_set_contains (const FmChunkSet *set,
                       gint64            index)
{
  g_return_val_if_fail (index >= 0 && index < set->n_chunks, FALSE);
  return (set->bits[index / 8] >> (index % 8)) & 1;
}

void
fm_chunk_set_add (FmChunkSet *set,
                  gint64      index)
{
  g_return_if_fail (index >= 0 && index < set->n_chunks);
  if (fm_chunk_set_contains (set, index))
    return;
  set->bits[index / 8] |= (guint8) (1u << (index % 8));
  set->count++;
}

gint64
fm_chunk_set_count (const FmChunkSet *set)
{
  return set->count;
}

gboolean
fm_chunk_set_is_full (const FmChunkSet *set)
{
  return set->count == set->n_chunks;
}

/* Ranges, "0-12,15": short for the usual case of a prefix plus a few
 * chunks that were in flight. */
char *
fm_chunk_set_to_string (const FmChunkSet *set)
{
  GString *out = g_string_new (NULL);

  for (gint64 i = 0; i < set->n_chunks; i++)
    {
      gint64 end = i;

      if (!fm_chunk_set_contains (set, i))
        continue;
      while (end + 1 < set->n_chunks && fm_chunk_set_contains (set, end + 1))
        end++;
      if (out->len > 0)
        g_string_append_c (out, ',');
      if (end == i)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, i);
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, i, end);
      i = end;
    }
  return g_string_free (out, FALSE);
}

/* Returns NULL for text that does not describe chunks of this file: a
 * damaged state file must not make us skip chunks. */
FmChunkSet *
fm_chunk_set_new_parse (gint64      n_chunks,
                        const char *text)
{
  g_autoptr(FmChunkSet) set = fm_chunk_set_new (n_chunks);
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return g_steal_pointer (&set);
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      gint64 first = g_ascii_strtoll (parts[i], &end, 10), last = first;

      if (end == parts[i])
        return NULL;
      if (*end == '-')
        {
          const char *rest = end + 1;

          last = g_ascii_strtoll (rest, &end, 10);
          if (end == rest)
            return NULL;
        }
      if (*end != '\0' || first < 0 || last < first || last >= n_chunks)
        return NULL;
      for (gint64 c = first; c <= last; c++)
        fm_chunk_set_add (set, c);
    }
  return g_steal_pointer (&set);
}
