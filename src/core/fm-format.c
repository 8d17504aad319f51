/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-format.c: numbers as people read them */
#define G_LOG_DOMAIN "fm-format"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-format.h"

/* "45 s", "2 min", "1 h 05 min" */
char *
fm_format_duration (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) MAX (seconds, 0));
  if (seconds < 3600)
    return g_strdup_printf (_("%d min"), (int) ((seconds + 30) / 60));
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) ((seconds % 3600) / 60));
}

/* "1.2 GB of 4.0 GB · 35.1 MB/s · 2 min left"; the speed and the time
 * left are only shown once they are known. */
char *
fm_format_progress (gint64 sent,
                    gint64 total,
                    double speed,
                    gint64 eta)
{
  g_autofree char *s = g_format_size ((guint64) MAX (sent, 0));
  g_autofree char *t = total >= 0 ? g_format_size ((guint64) total) : NULL;
  GString *out = g_string_new (NULL);

  /* a total of -1: the server did not say how big the file is */
  if (t != NULL)
    g_string_append_printf (out, _("%s of %s"), s, t);
  else
    g_string_append_printf (out, _("%s of an unknown size"), s);
  if (speed >= 1)
    {
      g_autofree char *rate = g_format_size ((guint64) speed);
      g_string_append_printf (out, _(" · %s/s"), rate);
    }
  if (eta >= 0)
    {
      g_autofree char *left = fm_format_duration (eta);
      g_string_append_printf (out, _(" · %s left"), left);
    }
  return g_string_free (out, FALSE);
}

/* Text from a server, for one line on screen: valid UTF-8, line breaks
 * and tabs as spaces, other control characters as U+FFFD (they have no
 * glyph, and GTK 4.8 mis-measures labels holding them). */
char *
fm_format_display_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t' || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append_unichar (out, 0xFFFD);
      else if (fm_unichar_is_bidi_control (c))
        g_string_append_printf (out, "[U+%04X]", c);   /* seen, never obeyed */
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Characters that reorder the text around them: "invoice\u202Efdp.exe"
 * shows as "invoiceexe.pdf". */
gboolean
fm_unichar_is_bidi_control (gunichar c)
{
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

/* Deliberately simple: one @, something before it, a dot in the domain,
 * no spaces. The server has the last word (1004 InvalidEmail). */
gboolean
fm_email_is_valid (const char *address)
{
  const char *at = address != NULL ? strchr (address, '@') : NULL;
  const char *dot;

  if (at == NULL || at == address || strchr (at + 1, '@') != NULL)
    return FALSE;
  dot = strrchr (at, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0')
    return FALSE;
  for (const char *p = address; *p; p++)
    if (g_ascii_isspace (*p) || *p == ',' || *p == ';' || *p == '<' || *p == '>' || (guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

/* Comma-separated addresses, blanks around them allowed; an empty list
 * is valid (a link-only transfer). */
gboolean
fm_email_list_validate (const char  *list,
                        char       **first_bad)
{
  g_auto(GStrv) parts = g_strsplit (list != NULL ? list : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *address = g_strstrip (parts[i]);

      if (*address == '\0' && parts[i + 1] == NULL)
        continue;
      if (!fm_email_is_valid (address))
        {
          if (first_bad != NULL)
            *first_bad = g_strdup (address);
          return FALSE;
        }
    }
  return TRUE;
}

/* The reference's initialize takes in "to" a "Comma separated list of
 * recipients (email addresses). Or name of ContactGroup to send to." A
 * group is one word without @ (and only a logged-in sender has groups). */
gboolean
fm_recipients_is_group (const char *to)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (to != NULL ? to : ""));

  if (*trimmed == '\0' || strchr (trimmed, '@') != NULL || strchr (trimmed, ',') != NULL)
    return FALSE;
  for (const char *p = trimmed; *p; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)) || g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Addresses, or (@allow_group) a contact group's name. */
gboolean
fm_recipients_validate (const char  *to,
                        gboolean     allow_group,
                        char       **first_bad)
{
  if (allow_group && fm_recipients_is_group (to))
    return TRUE;
  return fm_email_list_validate (to, first_bad);
}

/* A size as people read it, or NULL when nobody said (-1): the caller
 * says what it shows instead, never a guessed "0 bytes". */
char *
fm_format_size (gint64 size)
{
  return size >= 0 ? g_format_size ((guint64) size) : NULL;
}

/* "bob@example.com", "bob@example.com and 2 others"; NULL for nobody. */
char *
fm_format_recipients (const char * const *to)
{
  guint n = to != NULL ? g_strv_length ((char **) to) : 0;

  if (n == 0)
    return NULL;
  if (n == 1)
    return g_strdup (to[0]);
  return g_strdup_printf (g_dngettext (NULL, "%s and %u other", "%s and %u others", n - 1), to[0], n - 1);
}

/* A transfer's state as the API names it (responsestatus in the lists,
 * status in transfer/get), in words. */
const char *
fm_format_transfer_state (const char *status)
{
  if (status == NULL)
    return "";
  if (g_ascii_strcasecmp (status, "STATUS_COMPLETE") == 0)
    return _("complete");
  if (g_ascii_strcasecmp (status, "STATUS_INITIALIZED") == 0)
    return _("not finished: files still being sent");
  if (g_ascii_strcasecmp (status, "STATUS_CANCELLED") == 0)
    return _("cancelled");
  return status;
}

/* A date and time as the app shows them ("30 November 2026, 14:05");
 * 0 or less: "Unknown". */
char *
fm_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) when = unix_time > 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;

  /* TRANSLATORS: a date and time, see g_date_time_format() */
  return when != NULL ? g_date_time_format (when, _("%-e %B %Y, %H:%M")) : g_strdup (_("Unknown"));
}

/* A date in a list, as people say it: "Today 07:16", "Yesterday 18:02",
 * "3 Dec", with the year only when it is not this one ("3 Dec 2025");
 * the formats are the translator's. @now_unix: the present (tests). */
char *
fm_format_list_date (gint64 unix_time,
                     gint64 now_unix)
{
  g_autoptr(GDateTime) when = unix_time > 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_unix);
  g_autoptr(GDateTime) today = NULL, yesterday = NULL;
  g_autofree char *time = NULL;

  if (when == NULL || now == NULL)
    return NULL;
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  yesterday = g_date_time_add_days (today, -1);
  /* TRANSLATORS: the time of day in lists, see g_date_time_format() */
  time = g_date_time_format (when, _("%H:%M"));
  if (g_date_time_compare (when, today) >= 0 && g_date_time_difference (when, now) <= G_TIME_SPAN_DAY)
    /* TRANSLATORS: "Today 07:16" */
    return g_strdup_printf (_("Today %s"), time);
  if (g_date_time_compare (when, yesterday) >= 0 && g_date_time_compare (when, today) < 0)
    /* TRANSLATORS: "Yesterday 18:02" */
    return g_strdup_printf (_("Yesterday %s"), time);
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    /* TRANSLATORS: a day of this year in lists ("3 Dec"), see g_date_time_format() */
    return g_date_time_format (when, _("%-e %b"));
  /* TRANSLATORS: a day of another year in lists ("3 Dec 2025"), see g_date_time_format() */
  return g_date_time_format (when, _("%-e %b %Y"));
}

/* The sentence shown where a link would be, when what the server gave is
 * no web link: the text cleaned, and said to be no link. */
char *
fm_format_refused_link (const char *text)
{
  g_autofree char *clean = fm_format_display_text (text != NULL ? text : "");
  g_autofree char *cut = g_utf8_substring (clean, 0, MIN (g_utf8_strlen (clean, -1), 200));

  return g_strdup_printf (_("The server gave an address that is not a web link: “%s”"), cut);
}
