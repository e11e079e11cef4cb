/*
Copyright 2026 The Token Revocation Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package main

import (
	"fmt"
	"time"
)

// result is everything measured for one size.
type result struct {
	k         int
	burst     burstResult
	reconcile reconcileResult
	direct    directResult
	ceiling   ceilingResult

	listOnly   bool // the four measurements above were not made
	list       listResult
	listDirect directResult // the direct client at the list path's concurrency
}

const mib = 1 << 20

func (r result) print() {
	fmt.Printf("\nK = %d\n", r.k)
	if !r.listOnly {
		r.printSingle()
	}
	r.printList()
}

func (r result) printSingle() {
	b := r.burst
	fmt.Println("  operator, burst (the manager runs while the revocations are created):")
	fmt.Printf("    first create -> last Ready      %s\n", round(b.firstCreateToLastReady))
	fmt.Printf("    last create -> last Ready       %s\n", round(b.lastCreateToLastReady))
	fmt.Printf("    create -> Ready p50 / p99       %s / %s\n", round(b.p50), round(b.p99))
	fmt.Printf("    Elasticsearch calls/revocation  %.2f\n", b.esCallsPerRevocation)
	fmt.Printf("    status writes/revocation        %.2f (plus %.2f events)\n", b.statusWritesPerRevocation, b.eventsPerRevocation)
	fmt.Printf("    manager heap in use / RSS       %.1f MiB / %.1f MiB\n", b.manager.heapInUse/mib, b.manager.rss/mib)
	fmt.Printf("    mean reconcile / queue wait     %s / %s\n", b.manager.reconcileTime.Round(100*time.Microsecond),
		b.manager.queueWait.Round(100*time.Microsecond))
	fmt.Println("  operator, reconcile phase (created first, then the manager started; first to last Ready):")
	fmt.Printf("    revocations/s                   %.0f (%s)\n", r.reconcile.revocationsPerSecond, round(r.reconcile.elapsed))
	fmt.Println("  direct client, same concurrency and latency:")
	fmt.Printf("    revocations/s                   %.0f (%s)\n", r.direct.revocationsPerSecond, round(r.direct.elapsed))
	fmt.Println("  API server alone, the writes of a revocation (1 status patch + 1 event), same concurrency:")
	fmt.Printf("    revocations/s                   %.0f (%s)\n", r.ceiling.revocationsPerSecond, round(r.ceiling.elapsed))
	fmt.Printf("  ratio operator/direct             %.2f\n", r.reconcile.revocationsPerSecond/r.direct.revocationsPerSecond)
	fmt.Printf("  ratio operator/API server alone   %.2f\n", r.reconcile.revocationsPerSecond/r.ceiling.revocationsPerSecond)
}

func (r result) printList() {
	l := r.list
	fmt.Println("  list path (one TokenRevocation naming the K tokens in one Secret; the manager runs):")
	fmt.Printf("    create -> Revoked               %s (before the first call %s, calling %s, after the last answer %s)\n",
		round(l.wall), round(l.beforeCalls), round(l.calling), round(l.afterCalls))
	calling := 0.0
	if l.calling > 0 {
		calling = float64(r.k) / l.calling.Seconds()
	}
	fmt.Printf("    tokens/s                        %.0f (%.0f while calling)\n", l.tokensPerSecond, calling)
	fmt.Printf("    Elasticsearch calls/token       %.2f (at most %d in flight)\n", l.esCallsPerToken, l.maxInFlight)
	fmt.Printf("    API-server writes               %.0f in %.1f s: %.0f status patches + %.0f events "+
		"(+ %.0f other TokenRevocation writes, its create included)\n",
		l.writes.statusPatches+l.writes.events, l.wall.Seconds(), l.writes.statusPatches, l.writes.events,
		l.writes.otherRevocationWrites)
	fmt.Printf("    manager heap in use / RSS       %.1f MiB / %.1f MiB (peak %.1f MiB / %.1f MiB, RSS high-water mark %.1f MiB)\n",
		l.manager.heapInUse/mib, l.manager.rss/mib, l.peakHeapInUse/mib, l.peakRSS/mib, l.rssHighWaterMark/mib)
	fmt.Printf("    status                          %s\n", l.summary())
	fmt.Println("  direct client, the list path's concurrency and same latency:")
	fmt.Printf("    tokens/s                        %.0f (%s)\n", r.listDirect.revocationsPerSecond, round(r.listDirect.elapsed))
	fmt.Printf("  ratio list/direct                 %.2f\n", l.tokensPerSecond/r.listDirect.revocationsPerSecond)
}

// printGrowth compares the last size with the first: linear growth keeps time and memory per
// revocation flat.
func printGrowth(all []result) {
	if len(all) < 2 {
		return
	}
	first, last := all[0], all[len(all)-1]
	size := float64(last.k) / float64(first.k)
	fmt.Printf("\nGrowth from K=%d to K=%d (x%.0f; linear growth gives x%.0f):\n", first.k, last.k, size, size)
	if !last.listOnly {
		printSingleGrowth(first, last)
	}
	fmt.Printf("  list create -> Revoked            x%.1f\n", last.list.wall.Seconds()/first.list.wall.Seconds())
	fmt.Printf("  list API-server writes            x%.1f\n", last.list.writes.total()/first.list.writes.total())
	fmt.Printf("  list manager peak heap in use     x%.1f\n", last.list.peakHeapInUse/first.list.peakHeapInUse)
	fmt.Printf("  list manager RSS high-water mark  x%.1f (%.0f bytes more per token)\n",
		last.list.rssHighWaterMark/first.list.rssHighWaterMark,
		(last.list.rssHighWaterMark-first.list.rssHighWaterMark)/float64(last.k-first.k))
}

func printSingleGrowth(first, last result) {
	fmt.Printf("  first create -> last Ready        x%.1f\n",
		last.burst.firstCreateToLastReady.Seconds()/first.burst.firstCreateToLastReady.Seconds())
	fmt.Printf("  reconcile phase time              x%.1f\n", last.reconcile.elapsed.Seconds()/first.reconcile.elapsed.Seconds())
	fmt.Printf("  manager heap in use               x%.1f\n", last.burst.manager.heapInUse/first.burst.manager.heapInUse)
	fmt.Printf("  manager RSS                       x%.1f\n", last.burst.manager.rss/first.burst.manager.rss)
}

func round(d time.Duration) time.Duration {
	return d.Round(time.Millisecond)
}
