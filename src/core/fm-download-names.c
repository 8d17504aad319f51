/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-names.c: what a server's file name may become on this disk
 *
 * Pure functions (no job, no I/O but fm_download_unique_path's look at
 * the folder): the safe name of a server's file name, the candidates for
 * a name already taken, its folders, and the .part's name. FmDownloadJob
 * (fm-download-job.c) is their user.
 */
#define G_LOG_DOMAIN "fm-download-job"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include <glib/gi18n-lib.h>

#include "fm-download-job.h"
#include "fm-download-names.h"
#include "fm-format.h"

#define NAME_MAX_BYTES 200

/* ------------------------------------------------------------ names */

static gboolean
is_reserved_windows_name (const char *name)
{
  static const char *reserved[] = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
                                    "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
                                    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9" };
  const char *dot = strchr (name, '.');
  gsize len = dot != NULL ? (gsize) (dot - name) : strlen (name);

  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strlen (reserved[i]) == len && g_ascii_strncasecmp (name, reserved[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* A name from the server becomes one plain file name: valid UTF-8, no
 * separators, no control characters, not hidden, not "." or "..", not a
 * device name other systems reserve, at most 200 bytes (extension kept).
 * "../../.bashrc" becomes "_.._.bashrc"; "a/b" becomes "a_b". */
char *
fm_download_safe_name (const char *server_name)
{
  g_autofree char *valid = g_utf8_make_valid (server_name != NULL ? server_name : "", -1);
  GString *out = g_string_new (NULL);
  const char *start;
  g_autofree char *trimmed = NULL;

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
          c == 0x2028 || c == 0x2029)
        g_string_append_c (out, '_');
      else if (fm_unichar_is_bidi_control (c))
        continue;   /* "invoice\u202Efdp.exe" must not show as "invoiceexe.pdf" */
      else
        g_string_append_unichar (out, c);
    }
  /* no leading dots or spaces (hidden files, "..") nor trailing ones */
  for (start = out->str; *start == '.' || *start == ' '; start++)
    ;
  trimmed = g_strdup (start);
  g_strchomp (trimmed);
  while (*trimmed && trimmed[strlen (trimmed) - 1] == '.')
    trimmed[strlen (trimmed) - 1] = '\0';
  g_string_free (out, TRUE);
  if (*trimmed == '\0')
    return g_strdup ("download");
  if (strlen (trimmed) > NAME_MAX_BYTES)
    {
      const char *ext = strrchr (trimmed, '.');
      gsize ext_len = ext != NULL && strlen (ext) <= 16 ? strlen (ext) : 0;
      const char *cut = g_utf8_find_prev_char (trimmed, trimmed + NAME_MAX_BYTES - ext_len + 1);
      g_autofree char *head = g_strndup (trimmed, (gsize) (cut - trimmed));

      return g_strconcat (head, ext_len ? ext : "", NULL);
    }
  if (is_reserved_windows_name (trimmed))
    return g_strconcat ("_", trimmed, NULL);
  return g_steal_pointer (&trimmed);
}

/* The @n-th name to try for @name: "name.ext", "name (1).ext", … */
char *
fm_download_candidate_name (const char *name,
                            guint       n)
{
  const char *dot = strrchr (name, '.');
  gsize stem = dot != NULL && dot != name ? (gsize) (dot - name) : strlen (name);

  if (n == 0)
    return g_strdup (name);
  return g_strdup_printf ("%.*s (%u)%s", (int) stem, name, n, name + stem);
}

/* "name.ext", else "name (1).ext", "name (2).ext"… whichever is free now
 * (the move into place checks again, atomically). */
char *
fm_download_unique_path (const char *directory,
                         const char *name)
{
  for (guint n = 0;; n++)
    {
      g_autofree char *candidate = fm_download_candidate_name (name, n);
      char *path = g_build_filename (directory, candidate, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        return path;
      g_free (path);
    }
}

/* ------------------------------------------------------------ progress */

/* The .part's name carries a key of the transfer and file (a hash, so a
 * server's ids never reach the file system): a stopped download of another
 * transfer's "report.pdf" is never resumed into this one. */
char *
fm_download_part_name (const char *name,
                       const char *key)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  return g_strdup_printf ("%s.%.16s.part", name, hash);
}

#define MAX_SUBFOLDERS 32

/* "Photos/2024/a.jpg" from a folder upload keeps its folders: each
 * component made safe on its own (fm_download_safe_name), "", "." and ".."
 * dropped, at most MAX_SUBFOLDERS deep. Sets *@name to the file's safe
 * name; NULL when there are no folders. */
GStrv
fm_download_split_subfolders (const char  *server_name,
                              char       **name)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[/\\\\]", server_name != NULL ? server_name : "", 0, 0);
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  guint n = g_strv_length (parts), kept = 0;

  *name = fm_download_safe_name (n > 0 ? parts[n - 1] : server_name);
  for (guint i = 0; i + 1 < n && kept < MAX_SUBFOLDERS; i++)
    {
      g_autofree char *safe = NULL;

      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        continue;
      safe = fm_download_safe_name (parts[i]);
      g_strv_builder_add (folders, safe);
      kept++;
    }
  return kept > 0 ? g_strv_builder_end (folders) : NULL;
}

/* Down the transfer's @subfolders from the download folder's descriptor
 * *@dir_fd (replaced by the innermost's), made as needed; one that is a
 * link or a file is refused, never followed. @name: the file's, for the
 * sentence. */
gboolean
fm_download_enter_subfolders (int                *dir_fd,
                              const char * const *subfolders,
                              const char         *name,
                              GError            **error)
{
  for (guint i = 0; subfolders != NULL && subfolders[i] != NULL; i++)
    {
      int fd;

      if (mkdirat (*dir_fd, subfolders[i], 0777) != 0 && errno != EEXIST)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create the folder “%s”: %s"),
                       subfolders[i], g_strerror (saved));
          return FALSE;
        }
      fd = openat (*dir_fd, subfolders[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("“%s” in the download folder is not a folder (a link or a file): “%s” was not saved."),
                       subfolders[i], name);
          return FALSE;
        }
      close (*dir_fd);
      *dir_fd = fd;
    }
  return TRUE;
}
