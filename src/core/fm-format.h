/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-format.h: numbers as people read them, for the app and the CLI */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *fm_format_duration        (gint64       seconds);
char     *fm_format_progress        (gint64       sent,
                                     gint64       total,
                                     double       speed,
                                     gint64       eta);
char     *fm_format_display_text    (const char  *text);
char     *fm_format_refused_link    (const char  *text);
gboolean  fm_unichar_is_bidi_control (gunichar     c);
gboolean  fm_email_is_valid         (const char  *address);
const char *fm_format_transfer_state (const char *status);
char     *fm_format_size            (gint64       size);
char     *fm_format_date            (gint64       unix_time);
char     *fm_format_list_date       (gint64       unix_time,
                                     gint64       now_unix);
char     *fm_format_recipients      (const char * const *to);
gboolean  fm_recipients_is_group    (const char  *to);
gboolean  fm_recipients_validate    (const char  *to,
                                     gboolean     allow_group,
                                     char       **first_bad);
gboolean  fm_email_list_validate    (const char  *list,
                                     char       **first_bad);

G_END_DECLS
