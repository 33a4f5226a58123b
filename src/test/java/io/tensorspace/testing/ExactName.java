package io.tensorspace.testing;

import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/**
 * A TF Java scope that gives the one op built in it exactly the given name, slashes allowed
 * ({@code conv1/kernel}), instead of a name made unique against earlier sub-scopes; everything
 * else (graph, device, control dependencies) comes from the base scope. For
 * {@link KerasGraphWriter}, which names graph nodes as tf.keras does.
 */
final class ExactName implements Scope {
  private final Scope base;
  private final String name;

  ExactName(Scope base, String name) {
    this.base = base;
    this.name = name;
  }

  @Override
  public String makeOpName(String defaultName) {
    return name;
  }

  @Override
  public String makeUnique(String id) {
    return id;
  }

  @Override
  public ExecutionEnvironment env() {
    return base.env();
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    return base.apply(builder);
  }

  @Override
  public String getDeviceString() {
    return base.getDeviceString();
  }

  @Override
  public boolean isInit() {
    return base.isInit();
  }

  @Override
  public void refreshNames() {
    base.refreshNames();
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    throw unsupported();
  }

  @Override
  public Scope withName(String opName) {
    throw unsupported();
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    throw unsupported();
  }

  @Override
  public Scope withDevice(DeviceSpec deviceSpec) {
    throw unsupported();
  }

  @Override
  public Scope withInitScope() {
    throw unsupported();
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    throw unsupported();
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("scope of the single op '" + name + "'");
  }
}
