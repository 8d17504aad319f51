/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-network-monitor.h: a GNetworkMonitor tests switch by hand */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_TYPE_FAKE_NETWORK_MONITOR (fm_fake_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FmFakeNetworkMonitor, fm_fake_network_monitor, FM, FAKE_NETWORK_MONITOR, GObject)

FmFakeNetworkMonitor *fm_fake_network_monitor_new  (void);
void                  fm_fake_network_monitor_set_available (FmFakeNetworkMonitor *self,
                                                             gboolean              available);

void                  fm_fake_network_monitor_set_metered (FmFakeNetworkMonitor *self,
                                                           gboolean              metered);

G_END_DECLS
