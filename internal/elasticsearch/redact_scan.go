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

package elasticsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// piece redacts a text that holds no Redacted: it marks every run of a secret, then every whole value
// until no more are found (a mark next to a value makes that end a boundary), and replaces each stretch
// of marked bytes with one Redacted. Running it again on its output changes nothing: every byte left
// was not part of a run, and every value left had a word character, not a mark, beside it.
func (r redactor) piece(p string) string {
	marked := make([]bool, len(p))
	found := r.markRuns(p, marked)
	for r.markWholeValues(p, marked) {
		found = true
	}
	if !found {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		if !marked[i] {
			b.WriteByte(p[i])
			i++
			continue
		}
		b.WriteString(Redacted)
		for i < len(p) && marked[i] {
			i++
		}
	}
	return b.String()
}

// markRuns marks every SecretRunLength-byte run of a secret in p, reporting whether it found one.
func (r redactor) markRuns(p string, marked []bool) bool {
	found := false
	for i := 0; i+SecretRunLength <= len(p); i++ {
		if _, ok := r.runs[p[i:i+SecretRunLength]]; ok {
			mark(p, marked, i, i+SecretRunLength)
			found = true
		}
	}
	return found
}

// markWholeValues marks every whole value of a secret in p not yet marked, reporting whether it marked
// anything new.
func (r redactor) markWholeValues(p string, marked []bool) bool {
	found := false
	for _, v := range r.values {
		for from := 0; from < len(p); {
			k := strings.Index(p[from:], v)
			if k < 0 {
				break
			}
			i, j := from+k, from+k+len(v)
			if !allMarked(marked[i:j]) && startsValue(p, marked, i, v) && endsValue(p, marked, j, v) {
				mark(p, marked, i, j)
				found = true
			}
			from = i + 1
		}
	}
	return found
}

// startsValue reports whether v, found at p[i:], starts there as a whole value.
func startsValue(p string, marked []bool, i int, v string) bool {
	if i == 0 || marked[i-1] {
		return true
	}
	first, _ := utf8.DecodeRuneInString(v)
	before, _ := utf8.DecodeLastRuneInString(p[:i])
	return !isWordRune(first) || !isWordRune(before)
}

// endsValue reports whether v, found ending at p[:j], ends there as a whole value.
func endsValue(p string, marked []bool, j int, v string) bool {
	if j == len(p) || marked[j] {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(v)
	after, _ := utf8.DecodeRuneInString(p[j:])
	return !isWordRune(last) || !isWordRune(after)
}

// isWordRune reports whether r can continue a word: a letter, mark, digit or '_'.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// mark marks p[i:j], widened to whole UTF-8 sequences so that no replacement splits a character.
func mark(p string, marked []bool, i, j int) {
	for i > 0 && !utf8.RuneStart(p[i]) {
		i--
	}
	for j < len(p) && !utf8.RuneStart(p[j]) {
		j++
	}
	for k := i; k < j; k++ {
		marked[k] = true
	}
}

func allMarked(marked []bool) bool {
	for _, m := range marked {
		if !m {
			return false
		}
	}
	return true
}
