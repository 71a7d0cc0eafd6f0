/* SPDX-License-Identifier: GPL-2.0 */
/* memscope: the flight recorder (history.c), main.c's feature entry points. */
#ifndef _MEMSCOPE_HISTORY_H
#define _MEMSCOPE_HISTORY_H

int ms_history_prepare(void);
void ms_history_exit(void);

#endif /* _MEMSCOPE_HISTORY_H */
