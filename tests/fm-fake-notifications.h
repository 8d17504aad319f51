/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-notifications.h: org.freedesktop.Notifications on the test bus
 *
 * The UI tests run on a private session bus with no notification server;
 * GLib then falls back to the freedesktop backend and warns (fatally, in
 * tests) on every notification. This one records what the app shows and
 * can press an action's button, as a person would in the shell.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint32  id;
  char    *summary;
  char    *body;
  GStrv    actions;   /* key, label, key, label, … */
  gboolean closed;
} FmFakeNotification;

typedef struct _FmFakeNotifications FmFakeNotifications;

FmFakeNotifications *fm_fake_notifications_start  (void);
guint                fm_fake_notifications_get_n  (FmFakeNotifications *self);
const FmFakeNotification *fm_fake_notifications_get (FmFakeNotifications *self,
                                                     guint                index);
const FmFakeNotification *fm_fake_notifications_find (FmFakeNotifications *self,
                                                      const char          *summary_prefix);
const char          *fm_fake_notification_find_action (const FmFakeNotification *notification,
                                                       const char               *label);
void                 fm_fake_notifications_invoke (FmFakeNotifications      *self,
                                                   const FmFakeNotification *notification,
                                                   const char               *action_key);

G_END_DECLS
