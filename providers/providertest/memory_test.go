package providertest

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestMemoryConforms(t *testing.T) {
	Run(t, Target{Provider: audit.AWS, New: func(t *testing.T, e Estate) audit.Collector {
		return &Memory{Estate: e}
	}})
}
