/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-scan.c: walking the chosen files and folders in a worker */
#define G_LOG_DOMAIN "fm-upload-scan"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-upload-scan.h"

#define MAX_PROBLEMS_SHOWN 5

FmUploadFile *
fm_upload_file_new (const char *path,
                    const char *name,
                    gint64      size,
                    gint64      mtime_us)
{
  FmUploadFile *file = g_new0 (FmUploadFile, 1);

  file->path = g_strdup (path);
  file->name = g_strdup (name);
  file->size = size;
  file->mtime_us = mtime_us;
  return file;
}

void
fm_upload_file_free (FmUploadFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->name);
  fm_chunk_set_free (file->acked);
  g_free (file);
}

typedef struct {
  GPtrArray  *files;
  GPtrArray  *problems;    /* human sentences */
  GHashTable *names;       /* thefilename values in use */
  GHashTable *dirs;        /* "dev:ino" of folders on the current path */
} Scan;

static void
add_problem (Scan       *scan,
             const char *path,
             const char *what)
{
  g_autofree char *display = g_filename_display_name (path);

  g_ptr_array_add (scan->problems, g_strdup_printf ("“%s” %s", display, what));
}

/* Names go to the server as UTF-8. A name that is not valid UTF-8 is sent
 * as its display form, and two files that end up with the same name get
 * " (2)", " (3)"… so the server does not merge them into one. */
static char *
unique_name (Scan       *scan,
             const char *relative)
{
  g_autofree char *display = g_filename_display_name (relative);
  const char *dot;
  char *name = g_strdup (display);

  for (int n = 2; g_hash_table_contains (scan->names, name); n++)
    {
      const char *slash = strrchr (display, '/');

      dot = strrchr (slash ? slash + 1 : display, '.');
      if (dot == NULL || dot == (slash ? slash + 1 : display))
        dot = display + strlen (display);
      g_free (name);
      name = g_strdup_printf ("%.*s (%d)%s", (int) (dot - display), display, n, dot);
    }
  g_hash_table_add (scan->names, name);
  return g_strdup (name);
}

static void scan_path (Scan *scan, const char *path, const char *relative, GCancellable *cancellable);

static void
scan_dir (Scan         *scan,
          const char   *path,
          const char   *relative,
          struct stat  *st,
          GCancellable *cancellable)
{
  g_autofree char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev, (uintmax_t) st->st_ino);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (g_hash_table_contains (scan->dirs, key))
    {
      add_problem (scan, path, _("is a link back to a folder that contains it (a loop)"));
      return;
    }
  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      add_problem (scan, path, _("is a folder that cannot be read"));
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Sorted, so a folder is sent in the same order every time. */
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_hash_table_add (scan->dirs, g_strdup (key));
  for (guint i = 0; i < names->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *child_rel = g_build_filename (relative, names->pdata[i], NULL);

      scan_path (scan, child, child_rel, cancellable);
    }
  g_hash_table_remove (scan->dirs, key);
}

static void
scan_file (Scan        *scan,
           const char  *path,
           const char  *relative,
           struct stat *st)
{
  g_autofree char *name = NULL;

  if (access (path, R_OK) != 0)
    {
      add_problem (scan, path, _("cannot be read (permission denied)"));
      return;
    }
  name = unique_name (scan, relative);
  g_ptr_array_add (scan->files,
                   fm_upload_file_new (path, name, st->st_size,
                                       (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC +
                                       st->st_mtim.tv_nsec / 1000));
}

/* Symbolic links are followed (a link to a file sends the file); links
 * that loop back into a folder being walked are reported. */
static void
scan_path (Scan         *scan,
           const char   *path,
           const char   *relative,
           GCancellable *cancellable)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      if (errno == ELOOP)
        {
          add_problem (scan, path, _("is a link that loops"));
          return;
        }
      if (errno == ENOENT && lstat (path, &st) == 0)
        {
          add_problem (scan, path, _("is a link to nothing"));
          return;
        }
      add_problem (scan, path, errno == ENOENT ? _("does not exist") : _("cannot be read"));
      return;
    }
  if (S_ISDIR (st.st_mode))
    scan_dir (scan, path, relative, &st, cancellable);
  else if (S_ISREG (st.st_mode))
    scan_file (scan, path, relative, &st);
  else
    add_problem (scan, path, _("is not a regular file (a device, pipe or socket)"));
}

static GError *
problems_error (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);

  /* one problem is its own sentence; several are counted first */
  if (problems->len > 1)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u item cannot be sent: ",
                                               "%u items cannot be sent: ", problems->len),
                            problems->len);
  for (guint i = 0; i < problems->len && i < MAX_PROBLEMS_SHOWN; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "; " : "", (char *) problems->pdata[i]);
  if (problems->len > MAX_PROBLEMS_SHOWN)
    g_string_append_printf (text, _("; and %u more"), problems->len - MAX_PROBLEMS_SHOWN);
  g_string_append_c (text, '.');
  return g_error_new_literal (FM_ERROR, FM_ERROR_FILE_UNREADABLE, g_string_free (text, FALSE));
}

/* A folder's files are named relative to the folder's parent, so the
 * transfer shows "Photos/2024/a.jpg" for a chosen folder "Photos". */
GPtrArray *
fm_upload_scan_sync (const char * const  *paths,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_upload_file_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Scan scan = { files, problems, names, dirs };

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *canonical = g_canonicalize_filename (paths[i], NULL);
      g_autofree char *base = g_path_get_basename (canonical);

      scan_path (&scan, canonical, base, cancellable);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (problems->len > 0)
    {
      g_propagate_error (error, problems_error (problems));
      return NULL;
    }
  if (files->len == 0)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE,
                           _("There are no files to send: the chosen folders are empty."));
      return NULL;
    }
  return g_steal_pointer (&files);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *files = fm_upload_scan_sync (task_data, cancellable, &error);

  if (files == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
}

void
fm_upload_scan_async (const char * const  *paths,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_upload_scan_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, scan_thread);
}

/* Returns a GPtrArray of FmUploadFile. */
GPtrArray *
fm_upload_scan_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fm_upload_scan_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
