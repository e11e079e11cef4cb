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

package esemulator

import (
	"slices"
	"strings"
	"unicode/utf16"
)

// didYouMean is SuggestingErrorOnUnknown.suggest (PR #50938, 7.6): the declared fields whose Lucene
// Levenshtein similarity to name (1 - edits / the longer length, in UTF-16 units) exceeds 0.5, most
// similar first, then by name: " did you mean [a]?", " did you mean any of [a, b]?", or "".
func didYouMean(name string, candidates []string) string {
	type scored struct {
		similarity float32
		field      string
	}
	var near []scored
	for _, c := range candidates {
		if s := levenshteinSimilarity(name, c); s > 0.5 {
			near = append(near, scored{s, c})
		}
	}
	if len(near) == 0 {
		return ""
	}
	slices.SortStableFunc(near, func(a, b scored) int {
		if a.similarity != b.similarity {
			if a.similarity > b.similarity {
				return -1
			}
			return 1
		}
		return strings.Compare(a.field, b.field)
	})
	if len(near) == 1 {
		return " did you mean [" + near[0].field + "]?"
	}
	names := make([]string, len(near))
	for i, c := range near {
		names[i] = c.field
	}
	return " did you mean any of [" + strings.Join(names, ", ") + "]?"
}

// levenshteinSimilarity is Lucene's LevenshteinDistance.getDistance: 1 for two empty strings, 0 when
// only one is empty, else 1 - edit distance / the longer length, over UTF-16 code units.
func levenshteinSimilarity(a, b string) float32 {
	x, y := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if len(x) == 0 || len(y) == 0 {
		if len(x) == len(y) {
			return 1
		}
		return 0
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(cur[j-1]+1, prev[j]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float32(prev[len(y)])/float32(max(len(x), len(y)))
}
