package schema

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/props"
)

// Auto-naming as upstream configures it: prov.SetAutonaming(255, "-"), i.e. the URN's name,
// "-", and 7 random hex characters, at most 255 characters in all.
const (
	autoNameMaxLen  = 255
	autoNameRandLen = 7
	autoNameSep     = "-"
	nameKey         = "name"
)

// AutonamingMode is the engine's autonaming configuration for one resource (pulumi's
// `autonaming` stack config), when the engine sends one.
type AutonamingMode int

const (
	AutonamingPropose AutonamingMode = iota // use the proposed name as the base
	AutonamingEnforce                       // use the proposed name exactly
	AutonamingDisable                       // no automatic name: the program must give one
)

// Autonaming is the engine's proposal for a resource's name (nil: none, the provider decides).
type Autonaming struct {
	Mode         AutonamingMode
	ProposedName string
}

// ApplyAutoName fills in `name` when the checked inputs lack it, as the bridge's defaults do:
//   - a name generated earlier is kept: olds (the previous inputs) have a name, and either
//     have no DefaultsKey list at all or list "name" in it (a name the program used to give
//     and then dropped gets a fresh one);
//   - otherwise `<urn name>-<7 hex>`, the hex drawn from the engine's random seed for this
//     resource, so a preview and the update after it agree.
//
// The generated name is added to checked's DefaultsKey list.
func (r *Resource) ApplyAutoName(checked, olds resource.PropertyMap, urn resource.URN, seed []byte, naming *Autonaming) error {
	if !r.AutoName {
		return nil
	}
	if v, ok := checked[nameKey]; ok && !props.IsNull(v) {
		return nil
	}
	name, err := autoName(olds, urn, seed, naming)
	if err != nil {
		return err
	}
	checked[nameKey] = name
	addDefault(checked, nameKey)
	return nil
}

func autoName(olds resource.PropertyMap, urn resource.URN, seed []byte, naming *Autonaming) (resource.PropertyValue, error) {
	if old, ok := olds[nameKey]; ok && !props.IsNull(old) && wasDefault(olds, nameKey) {
		return old, nil
	}
	if naming != nil {
		switch naming.Mode {
		case AutonamingEnforce:
			return resource.NewStringProperty(naming.ProposedName), nil
		case AutonamingDisable:
			return resource.PropertyValue{}, errors.New("automatic naming is disabled but no explicit name was provided")
		default:
			if len(naming.ProposedName) > autoNameMaxLen {
				return resource.PropertyValue{}, fmt.Errorf("calculated name '%s' exceeds maximum length of %d",
					naming.ProposedName, autoNameMaxLen)
			}
			return resource.NewStringProperty(naming.ProposedName), nil
		}
	}
	name, err := resource.NewUniqueName(seed, urn.Name()+autoNameSep, autoNameRandLen, autoNameMaxLen, nil)
	if err != nil {
		return resource.PropertyValue{}, fmt.Errorf("could not make instance of '%v': %w", urn.Type(), err)
	}
	return resource.NewStringProperty(name), nil
}

// wasDefault: olds without a DefaultsKey list count every value as a possible default.
func wasDefault(olds resource.PropertyMap, key string) bool {
	list, ok := olds[DefaultsKey]
	if !ok || !list.IsArray() {
		return true
	}
	for _, k := range list.ArrayValue() {
		if k.IsString() && k.StringValue() == key {
			return true
		}
	}
	return false
}

// ExplicitName reports inputs whose `name` the program gave itself (not a default): replacing
// such an object must delete the old one first, as the new one takes the same name (the
// bridge's nameRequiresDeleteBeforeReplace). Inputs without a DefaultsKey list never count.
func (r *Resource) ExplicitName(inputs resource.PropertyMap) bool {
	if !r.AutoName {
		return false
	}
	if list, ok := inputs[DefaultsKey]; !ok || !list.IsArray() {
		return false
	}
	_, has := inputs[nameKey]
	return has && !wasDefault(inputs, nameKey)
}

func addDefault(m resource.PropertyMap, key string) {
	var keys []string
	if list, ok := m[DefaultsKey]; ok && list.IsArray() {
		for _, k := range list.ArrayValue() {
			if k.IsString() && k.StringValue() != key {
				keys = append(keys, k.StringValue())
			}
		}
	}
	keys = append(keys, key)
	sort.Strings(keys)
	out := make([]resource.PropertyValue, len(keys))
	for i, k := range keys {
		out[i] = resource.NewStringProperty(k)
	}
	m[DefaultsKey] = resource.NewArrayProperty(out)
}
